"""Public pages are rendered once per variant and kept in the process's memory
(core/fragment_cache.py); each request fills in only its own CSP nonce and CSRF token. These
tests prove a cached page is the page an uncached render gives, that each visitor still gets
their own nonce, token and consent variant, and that nothing per visitor is served from it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import pytest_django.fixtures
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings

from safeguarding.public import consent, cookies
from tests.conftest import sign_in
from tests.newsletter.factories import ensure_defaults
from tests.public.test_contact import VALID as VALID_ENQUIRY
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db

ANALYTICS_ID = "G-TEST12345"
HEADER_NONCE = re.compile(r"'nonce-([^']+)'")
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
BANNER = 'class="govuk-cookie-banner"'
ANALYTICS_SCRIPT = "googletagmanager.com/gtag/js"
# The pages every anonymous visitor is served from the cache.
STATIC_PAGES = [
    "/",
    "/about/",
    "/cookies/",
    "/accessibility/",
    "/contact/",
    "/contact/sent/",
    "/courses/",
    "/courses/?level=level_1",
    "/courses/my-training/",
    "/courses/my-training/sent/",
    "/courses/my-training/transferred/",
    "/your-data/",
    "/your-data/request/",
    "/your-data/request/check-your-email/",
    "/your-data/security-questions/",
    "/your-data/security-questions/sent/",
    "/your-data/security-questions/done/",
    "/newsletter/check-your-email/",
    "/child-death-notification/sent/",
    "/child-death-review/reporting-form/sent/",
]
# Pages that show data of their own, kept under its version (the notice's inventory and
# record, the sign-up page's topics and consent wording, the published reviews).
VERSIONED_PAGES = ["/privacy/", "/newsletter/", "/case-reviews/"]


def consent_cookies() -> dict[str, str | None]:
    """A visitor's consent cookie: none yet, a standing answer, and one just given (the banner
    shows its confirmation once), for the cookie policy in force (analytics configured)."""
    return {
        "first visit": None,
        "accepted": consent.cookie_value(consent.Choice.ACCEPTED, just_chosen=False),
        "rejected": consent.cookie_value(consent.Choice.REJECTED, just_chosen=False),
        "just accepted": consent.cookie_value(consent.Choice.ACCEPTED, just_chosen=True),
        "just rejected": consent.cookie_value(consent.Choice.REJECTED, just_chosen=True),
    }


@pytest.fixture
def analytics(settings: pytest_django.fixtures.Settings) -> str:
    settings.GOOGLE_ANALYTICS_ID = ANALYTICS_ID
    return ANALYTICS_ID


@pytest.fixture
def public_pages() -> list[str]:
    ensure_defaults()  # the sign-up page's topics and wording (a flushed database lost them)
    session = SessionFactory(capacity=3)
    return [
        *STATIC_PAGES,
        *VERSIONED_PAGES,
        f"/courses/{session.course.pk}/",
        f"/courses/sessions/{session.pk}/book/",
        f"/courses/sessions/{session.pk}/booked/",
    ]


def visitor(cookie: str | None = None, *, gpc: bool = False, **options: Any) -> Client:
    client = Client(HTTP_SEC_GPC="1", **options) if gpc else Client(**options)
    if cookie:
        client.cookies[cookies.CONSENT_COOKIE_NAME] = cookie
    return client


def nonce_of(response: HttpResponse) -> str:
    match = HEADER_NONCE.search(response["Content-Security-Policy"])
    assert match is not None
    return match.group(1)


def without_per_request_parts(response: HttpResponse) -> str:
    """The page with this request's nonce and CSRF token taken out."""
    html = response.content.decode()
    html = html.replace(f'nonce="{nonce_of(response)}"', 'nonce="NONCE"')
    return FORM_TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


def served_from_cache(response: HttpResponse) -> bool:
    """No template was rendered for it (the test client records each one rendered)."""
    return not response.templates  # type: ignore[attr-defined]


@pytest.mark.parametrize("gpc", [False, True], ids=["", "global privacy control"])
@pytest.mark.parametrize("configured", [True, False], ids=["analytics", "no analytics"])
def test_a_cached_page_is_the_uncached_page_but_for_its_nonce_and_token(
    settings: pytest_django.fixtures.Settings,
    public_pages: list[str],
    configured: bool,
    gpc: bool,
) -> None:
    settings.GOOGLE_ANALYTICS_ID = ANALYTICS_ID
    visitors = consent_cookies()
    settings.GOOGLE_ANALYTICS_ID = ANALYTICS_ID if configured else ""
    every = [(page, name, cookie) for page in public_pages for name, cookie in visitors.items()]
    with override_settings(PUBLIC_PAGE_CACHE=False):
        uncached = [visitor(cookie, gpc=gpc).get(page) for page, _name, cookie in every]
    # Every variant of every page first rendered and kept, then each served from the cache.
    first = [visitor(cookie, gpc=gpc).get(page) for page, _name, cookie in every]
    cached = [visitor(cookie, gpc=gpc).get(page) for page, _name, cookie in every]

    for (page, name, _cookie), *responses in zip(every, uncached, first, cached, strict=True):
        assert [response.status_code for response in responses] == [200] * 3, (page, name)
        assert not served_from_cache(responses[0])
        assert served_from_cache(responses[2]), (page, name)
        expected = without_per_request_parts(responses[0])
        for response in responses[1:]:
            assert without_per_request_parts(response) == expected, (page, name)
            assert response["Content-Type"] == responses[0]["Content-Type"]
            assert sorted(response.cookies) == sorted(responses[0].cookies), (page, name)


def test_two_visitors_never_see_each_others_nonce_or_token(
    analytics: str, public_pages: list[str]
) -> None:
    for page in public_pages:
        seen = []
        for _visitor in range(3):
            response = visitor().get(page)
            html = response.content.decode()
            nonce = nonce_of(response)
            assert set(re.findall(r'nonce="([^"]+)"', html)) == {nonce}, page
            tokens = set(FORM_TOKEN.findall(html))
            assert len(tokens) == 1, page  # the banner's forms, and the page's own
            seen.append((nonce, tokens.pop(), response.cookies[settings.CSRF_COOKIE_NAME].value))
        for part in zip(*seen, strict=True):
            assert len(set(part)) == len(part), page


def test_the_token_on_a_cached_form_works_for_its_own_visitor_only(analytics: str) -> None:
    first, second = visitor(enforce_csrf_checks=True), visitor(enforce_csrf_checks=True)
    first.get("/contact/")
    cached = second.get("/contact/")
    assert served_from_cache(cached)
    token = FORM_TOKEN.search(cached.content.decode())
    assert token is not None

    form = {**VALID_ENQUIRY, "csrfmiddlewaretoken": token.group(1)}
    assert first.post("/contact/", form).status_code == 403
    sent = second.post("/contact/", form)
    assert sent.status_code == 302
    assert sent["Location"] == "/contact/sent/"


def test_each_consent_variant_gets_its_own_banner_and_analytics_tags(analytics: str) -> None:
    expected = {
        "first visit": ("Accept analytics cookies", False),
        "accepted": (None, True),
        "rejected": (None, False),
        "just accepted": ("You\N{RIGHT SINGLE QUOTATION MARK}ve accepted analytics cookies", True),
        "just rejected": ("You\N{RIGHT SINGLE QUOTATION MARK}ve rejected analytics cookies", False),
    }
    visitors = consent_cookies()
    for _round in range(2):  # the second from the cache, in another order of visitors
        for name, cookie in reversed(visitors.items()) if _round else visitors.items():
            banner, measured = expected[name]
            response = visitor(cookie).get("/about/")
            html = response.content.decode()
            assert (banner is not None) == (BANNER in html), name
            if banner:
                assert banner in html, name
            assert (ANALYTICS_SCRIPT in html) == measured, name
            assert ("googletagmanager" in response["Content-Security-Policy"]) == measured, name
    assert (
        visitor(visitors["accepted"], gpc=True)
        .get("/about/")
        .content.decode()
        .count(ANALYTICS_SCRIPT)
        == 0
    )


def test_a_page_with_a_message_is_not_served_from_the_cache_nor_kept_in_it() -> None:
    stored = HttpResponse()
    message = Message(constants.SUCCESS, "Your thing was saved.")
    CookieStorage(HttpRequest())._store([message], stored)
    with_message = visitor()
    name = CookieStorage.cookie_name
    with_message.cookies[name] = stored.cookies[name].value
    visitor().get("/")  # now cached

    shown = with_message.get("/")

    assert "Your thing was saved." in shown.content.decode()
    assert not served_from_cache(shown)
    after = visitor().get("/")
    assert served_from_cache(after)
    assert "Your thing was saved." not in after.content.decode()


def test_a_signed_in_person_is_never_served_from_the_cache(
    client: Client, administrator: Any
) -> None:
    visitor().get("/")
    sign_in(client, administrator)

    assert not served_from_cache(client.get("/"))
    assert not served_from_cache(client.get("/"))


def test_an_address_with_a_query_is_rendered_unless_the_page_is_keyed_on_it() -> None:
    for _ in range(2):
        assert not served_from_cache(visitor().get("/", {"from": "newsletter"}))
    visitor().get("/courses/", {"q": "neglect"})
    assert served_from_cache(visitor().get("/courses/", {"q": "neglect"}))


def test_a_changed_setting_is_never_answered_from_a_page_cached_before_it(
    settings: pytest_django.fixtures.Settings,
) -> None:
    assert BANNER not in visitor().get("/about/").content.decode()

    settings.GOOGLE_ANALYTICS_ID = ANALYTICS_ID

    assert BANNER in visitor().get("/about/").content.decode()


def test_a_post_is_never_answered_from_the_cache() -> None:
    visitor().get("/contact/")

    response = visitor().post("/contact/", {})

    assert response.status_code == 400
    assert not served_from_cache(response)
    assert "govuk-error-summary" in response.content.decode()
