"""The visitor's cookie choice (P20, P23, P24): read from the consent cookie, decided per request.

The consent cookie (strictly necessary, one year) holds ``<policy version>.<yes|no>``, and
``.new`` until the page that confirms the choice has been shown once. A cookie from an older
policy version, or one that does not parse, counts as no choice: the banner asks again and
analytics stays off. A browser that sends the Global Privacy Control header (``Sec-GPC: 1``)
has rejected analytics, whatever the cookie says, and is not asked.

``CookieConsentMiddleware`` puts the decision on ``request.cookie_consent``; on the way out it
lets the analytics hosts into this response's Content Security Policy only when analytics is
allowed on the page, removes analytics cookies the site can remove when the visitor has not
accepted them, and marks a fresh choice as confirmed once its confirmation has been shown.
The staff area is never measured and shows no banner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from safeguarding.core.middleware import opened_by_a_secret
from safeguarding.public import cookies


class Choice(StrEnum):
    ACCEPTED = "yes"
    REJECTED = "no"


@dataclass(frozen=True)
class Consent:
    offered: bool  # analytics is configured, so there is a choice to make
    choice: Choice | None  # the answer to the current policy version, if any
    just_chosen: bool  # the confirmation of that answer has not been shown yet
    global_privacy_control: bool
    # Analytics may measure this page. The staff area is never measured: its addresses name
    # records, and staff did not come to be counted.
    measured: bool = True

    @property
    def accepted(self) -> bool:
        """The visitor's standing answer lets analytics cookies exist."""
        return self.offered and not self.global_privacy_control and self.choice is Choice.ACCEPTED

    @property
    def analytics_allowed(self) -> bool:
        """Analytics runs on this page."""
        return self.accepted and self.measured

    @property
    def show_banner(self) -> bool:
        if not (self.offered and self.measured) or self.global_privacy_control:
            return False
        return self.choice is None or self.just_chosen


UNMEASURED_PREFIX = "/staff/"
# Pages addressed by a secret (core.middleware.SECRET_URL_ARGUMENTS) are never measured
# (their address would reach the analytics host), and they send only their origin as Referer
# ("strict-origin": the next page's document.referrer cannot carry the secret, and forms still
# send an Origin for CSRF).


NO_CHOICE = Consent(offered=False, choice=None, just_chosen=False, global_privacy_control=False)


def cookie_value(choice: Choice, *, just_chosen: bool) -> str:
    value = f"{cookies.policy_version()}.{choice.value}"
    return f"{value}.new" if just_chosen else value


def parse_cookie_value(value: str) -> tuple[Choice | None, bool]:
    parts = value.split(".")
    if len(parts) not in (2, 3) or parts[0] != cookies.policy_version():
        return None, False
    if len(parts) == 3 and parts[2] != "new":
        return None, False
    try:
        choice = Choice(parts[1])
    except ValueError:
        return None, False
    return choice, len(parts) == 3


def consent_from_request(request: HttpRequest) -> Consent:
    offered = cookies.analytics_configured()
    choice, just_chosen = parse_cookie_value(request.COOKIES.get(cookies.CONSENT_COOKIE_NAME, ""))
    return Consent(
        offered=offered,
        choice=choice if offered else None,
        just_chosen=just_chosen and offered,
        global_privacy_control=request.headers.get("Sec-GPC", "").strip() == "1",
        measured=not (request.path.startswith(UNMEASURED_PREFIX) or opened_by_a_secret(request)),
    )


def apply_choice(request: HttpRequest, choice: Choice, *, just_chosen: bool) -> Consent:
    """A choice made on this request is in force for its own response already: the page shows
    it, and the middleware widens the CSP or removes analytics cookies accordingly."""
    decided = replace(consent_from_request(request), choice=choice, just_chosen=just_chosen)
    request.cookie_consent = decided  # type: ignore[attr-defined]  # our own request attribute
    return decided


def remember_choice(response: HttpResponseBase, choice: Choice, *, just_chosen: bool) -> None:
    response.set_cookie(
        cookies.CONSENT_COOKIE_NAME,
        cookie_value(choice, just_chosen=just_chosen),
        max_age=int(cookies.CONSENT_LIFETIME.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def analytics_csp() -> dict[str, list[str]]:
    """What this response's CSP adds for a visitor who accepted analytics, and only for them."""
    hosts = [f"https://{host}" for host in cookies.ANALYTICS_HOSTS]
    return {
        "script-src": [f"https://{cookies.ANALYTICS_SCRIPT_HOST}"],
        "connect-src": hosts,
        "img-src": hosts,
    }


def _is_page(response: HttpResponseBase) -> bool:
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


class CookieConsentMiddleware:
    """Decides, for each request, what the visitor's cookie choice allows (see module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Decided before the URL is resolved (for a page not found, which is never opened by
        # a secret), and again once it is, in process_view: Django resolves each URL once.
        request.cookie_consent = consent_from_request(request)  # type: ignore[attr-defined]
        response = self.get_response(request)
        # A view that records a new choice replaces request.cookie_consent with it.
        consent: Consent = request.cookie_consent  # type: ignore[attr-defined]
        if consent.analytics_allowed:
            update: dict[str, Any] = getattr(response, "_csp_update", None) or {}
            for directive, sources in analytics_csp().items():
                update[directive] = [*update.get(directive, []), *sources]
            response._csp_update = update  # type: ignore[attr-defined]  # django-csp's hook
        elif not consent.accepted:
            forget_analytics_cookies(request, response)
        if consent.just_chosen and consent.choice and _is_page(response):
            remember_choice(response, consent.choice, just_chosen=False)
        if consent.offered:
            # With analytics to choose, Sec-GPC changes the answer (banner, tags, CSP, the
            # cookies page's form, which cookies are removed): shared caches must know.
            patch_vary_headers(response, ("Sec-GPC",))
        if opened_by_a_secret(request):
            response.headers["Referrer-Policy"] = "strict-origin"
        return response

    def process_view(self, request: HttpRequest, *args: Any) -> None:
        if opened_by_a_secret(request):
            request.cookie_consent = replace(request.cookie_consent, measured=False)  # type: ignore[attr-defined]  # our own request attribute


def forget_analytics_cookies(request: HttpRequest, response: HttpResponseBase) -> list[str]:
    """Expire the analytics cookies this browser sent. Google Analytics is told to set them
    for this host only (``cookie_domain: 'none'``), so the site can remove every one."""
    names = cookies.analytics_cookie_names_in(list(request.COOKIES))
    for name in names:
        response.delete_cookie(name, samesite="Lax")
    return names
