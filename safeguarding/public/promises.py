"""The public site's promise checks (P15, P18-P24), against the live configuration and data,
registered with ``safeguarding.core.promises``. The browser tests (tests/browser/) prove the
same promises in Chromium; these checks look at what a running deployment is configured to do.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

from safeguarding.core.promises import Outcome, promise
from safeguarding.public import consent, cookies
from safeguarding.public.context_processors import cookie_consent
from safeguarding.public.cookies import Category
from safeguarding.public.models import Enquiry, EnquiryKind

Check = tuple[Outcome, str]

NOTICE_LIFETIMES = {
    "_ga": timedelta(days=730),
    "_gid": timedelta(hours=24),
    "_gat": timedelta(minutes=1),
    "_gac": timedelta(days=90),
}


@promise("P15")
def freedom_of_information() -> Check:
    if not settings.PARTNERSHIP.get("foi_statement"):
        return Outcome.FAIL, "no FOI statement (PARTNERSHIP_FOI_STATEMENT) is configured"
    stored = Enquiry.objects.filter(kind=EnquiryKind.FREEDOM_OF_INFORMATION).count()
    if stored:
        return Outcome.FAIL, f"{stored} FOI request(s) stored instead of answered"
    where = settings.FOI_REQUEST_URL or "the statement's own directions"
    return Outcome.PASS, (
        "the contact form answers 'Freedom of Information' with the configured statement and "
        f"points to {where}; 0 FOI requests stored"
    )


@promise("P18")
def every_cookie_declared() -> Check:
    declared = cookies.registry()
    names = [cookie.name for cookie in declared]
    expected = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    if cookies.analytics_configured():
        expected += [cookies.CONSENT_COOKIE_NAME, *NOTICE_LIFETIMES]
    missing = [name for name in expected if name not in names]
    if missing:
        return Outcome.FAIL, f"cookies the configuration sets but the registry lacks: {missing}"
    incomplete = [c.name for c in declared if not (c.purpose and c.set_by)]
    if incomplete:
        return Outcome.FAIL, f"declared without a purpose or owner: {incomplete}"
    return Outcome.PASS, (
        f"{len(declared)} cookies declared ({', '.join(names)}); the browser crawl "
        "(tests/browser/test_cookie_crawl.py) fails on any cookie or storage key not declared"
    )


@promise("P19")
def strictly_necessary_declared_as_such() -> Check:
    essential = [settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME]
    if cookies.analytics_configured():
        essential.append(cookies.CONSENT_COOKIE_NAME)
    wrong = [
        name
        for name in essential
        if (declared := cookies.declaration_for(name)) is None
        or declared.category is not Category.STRICTLY_NECESSARY
    ]
    if wrong:
        return Outcome.FAIL, f"not declared strictly necessary: {wrong}"
    return Outcome.PASS, f"{', '.join(essential)} declared strictly necessary, with their purposes"


def _site_script_sources() -> list[str]:
    """The script-src of the CSP every visitor gets."""
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    sources: list[object] = directives.get("script-src", [])  # type: ignore[assignment]  # settings are untyped
    return [str(source) for source in sources]


def _page_request(*, global_privacy_control: bool = False) -> HttpRequest:
    """A first visit to a page: no cookies, and the GPC header if asked for."""
    request = HttpRequest()
    request.method = "GET"
    if global_privacy_control:
        request.META["HTTP_SEC_GPC"] = "1"
    request.cookie_consent = consent.consent_from_request(request)  # type: ignore[attr-defined]
    return request


@promise("P20")
def analytics_only_after_opt_in() -> Check:
    if not cookies.analytics_configured():
        return Outcome.PASS, "no GOOGLE_ANALYTICS_ID: no analytics script, cookie or request at all"
    if any(cookies.ANALYTICS_SCRIPT_HOST in source for source in _site_script_sources()):
        return Outcome.FAIL, "the site-wide CSP allows the analytics host for every visitor"
    for label, request in (
        ("a visitor who has not chosen", _page_request()),
        ("a browser sending Global Privacy Control", _page_request(global_privacy_control=True)),
    ):
        if cookie_consent(request)["analytics_id"]:
            return Outcome.FAIL, f"analytics would load for {label}"
    return Outcome.PASS, (
        "analytics loads only for visitors who accepted (not before a choice, not with GPC); "
        "IP anonymised, no user ids, advertising features off"
    )


@promise("P21")
def analytics_lifetimes_as_notice_says() -> Check:
    if not cookies.analytics_configured():
        return Outcome.PASS, "no analytics configured: the cookies page lists no analytics cookies"
    listed = {
        cookie.name: cookie.lifetime
        for cookie in cookies.registry()
        if cookie.category is Category.ANALYTICS
    }
    if listed != NOTICE_LIFETIMES:
        return Outcome.FAIL, f"the cookies page lists {listed}, the notice says {NOTICE_LIFETIMES}"
    return (
        Outcome.PASS,
        "the cookies page lists _ga 2 years, _gid 24 hours, _gat 1 minute, _gac 90 days",
    )


@promise("P22")
def session_cookie_ends_with_the_browser() -> Check:
    declared = cookies.declaration_for(settings.SESSION_COOKIE_NAME)
    if not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE or declared is None or declared.lifetime:
        return Outcome.FAIL, "SESSION_EXPIRE_AT_BROWSER_CLOSE is off"
    return Outcome.PASS, "the session cookie has no expiry: it ends when the browser closes"


@promise("P23")
def works_with_only_necessary_cookies() -> Check:
    decided = consent.consent_from_request(_page_request())
    if decided.analytics_allowed:
        return Outcome.FAIL, "analytics is on before the visitor chooses"
    optional = [c.name for c in cookies.registry() if c.category is not Category.STRICTLY_NECESSARY]
    return Outcome.PASS, (
        f"{len(optional)} optional cookie(s), all off until accepted; refusing keeps every page "
        "and form working (the browser journeys run with only strictly necessary cookies)"
    )


@promise("P24")
def no_advertising() -> Check:
    if {category.value for category in Category} != {"strictly necessary", "analytics"}:
        return Outcome.FAIL, f"cookie categories: {[c.value for c in Category]}"
    third_party = [s for s in _site_script_sources() if "://" in s or s.startswith("*")]
    if third_party:
        return (
            Outcome.FAIL,
            f"CSP allows third-party scripts for everyone: {', '.join(third_party)}",
        )
    added = consent.analytics_csp()["script-src"]
    if added != [f"https://{cookies.ANALYTICS_SCRIPT_HOST}"]:
        return Outcome.FAIL, f"consenting visitors' CSP adds scripts from {added}"
    return Outcome.PASS, (
        "no advertising cookie category exists; CSP allows scripts only from this site, plus "
        "the analytics host for visitors who accepted analytics"
    )
