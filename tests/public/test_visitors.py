"""What the middleware does for a visitor, and what it leaves alone (#17): each public page
resolves its URL once, an anonymous visitor's request loads no session and looks up no user,
no session is created for a visitor who has posted nothing, and the per-visitor parts of a
page (CSP nonce, CSRF token) are never shared between two visitors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.contrib import auth
from django.test import Client
from django.urls import get_resolver

from safeguarding.accounts.models import StaffSession
from tests.conftest import sign_in
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/about/",
    "/cookies/",
    "/contact/",
    "/accessibility/",
    "/privacy/",
    "/courses/",
    "/newsletter/",
    "/your-data/request/",
]
FORM_PAGES = ["/contact/", "/newsletter/", "/your-data/request/"]
NONCE = re.compile(r"'nonce-([^']+)'")
PAGE_NONCE = re.compile(r'<script nonce="([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def pages() -> list[str]:
    """Every public page above, a course page and a booking form."""
    session = SessionFactory()
    return [
        *PUBLIC_PAGES,
        f"/courses/{session.course.pk}/",
        f"/courses/sessions/{session.pk}/book/",
    ]


@pytest.fixture
def resolutions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each path the project's URL resolver is asked to resolve."""
    root = get_resolver()
    asked: list[str] = []
    resolve = root.resolve

    def counting(path: str) -> Any:
        asked.append(path)
        return resolve(path)

    monkeypatch.setattr(root, "resolve", counting)
    return asked


@pytest.fixture
def user_lookups(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each time authentication looks for the request's user in its session."""
    looked_up: list[object] = []
    get_user: Callable[[Any], Any] = auth.get_user

    def counting(request: Any) -> Any:
        looked_up.append(request)
        return get_user(request)

    monkeypatch.setattr(auth, "get_user", counting)
    return looked_up


def test_each_public_page_resolves_its_address_once(
    client: Client, pages: list[str], resolutions: list[str]
) -> None:
    for page in pages:
        resolutions.clear()

        assert client.get(page).status_code == 200, page
        assert resolutions == [page], page


def test_a_page_opened_by_a_secret_is_still_unmeasured_after_one_resolution(
    client: Client, analytics: str, resolutions: list[str]
) -> None:
    from safeguarding.public import consent

    client.cookies["cookies_policy"] = consent.cookie_value(
        consent.Choice.ACCEPTED, just_chosen=False
    )

    response = client.get("/courses/my-training/not-a-real-secret/")

    assert resolutions == ["/courses/my-training/not-a-real-secret/"]
    assert analytics not in response.content.decode()
    assert "googletagmanager" not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "strict-origin"


def test_an_anonymous_visitor_loads_no_session_and_no_user(
    client: Client, pages: list[str], user_lookups: list[object]
) -> None:
    for page in pages:
        response = client.get(page)

        assert response.status_code == 200, page
        assert not response.wsgi_request.session.accessed, page
    assert user_lookups == []


def test_a_signed_in_member_of_staff_is_still_known_on_public_pages(
    client: Client, administrator: Any
) -> None:
    sign_in(client, administrator)

    response = client.get("/")

    assert response.wsgi_request.user == administrator
    assert response["Cache-Control"] == "no-store"


def test_no_session_is_created_for_a_visitor_who_has_posted_nothing(
    client: Client, pages: list[str]
) -> None:
    for page in pages:
        response = client.get(page)

        assert response.status_code == 200, page
        assert settings.SESSION_COOKIE_NAME not in response.cookies, page
    assert not StaffSession.objects.exists()


def test_every_page_says_it_varies_with_the_visitors_cookies(
    client: Client, pages: list[str]
) -> None:
    for page in [*pages, "/no-such-page/"]:
        assert "Cookie" in client.get(page)["Vary"], page


def test_with_analytics_every_page_says_it_varies_with_global_privacy_control(
    pages: list[str], analytics: str
) -> None:
    """Sec-GPC changes the banner, the analytics tags and the cookies page's form: a shared
    cache must not give one browser's variant to another (the second answer is cached)."""
    for page in [*pages, "/no-such-page/"]:
        for gpc in ("", "1", "1"):
            response = Client(headers={"Sec-GPC": gpc} if gpc else {}).get(page)
            vary = {name.strip().lower() for name in response["Vary"].split(",")}
            assert "sec-gpc" in vary, (page, gpc)


def test_without_analytics_no_page_varies_with_global_privacy_control(
    client: Client, pages: list[str]
) -> None:
    for page in pages:
        assert "sec-gpc" not in client.get(page)["Vary"].lower(), page


def test_no_report_only_policy_is_sent(client: Client) -> None:
    assert "Content-Security-Policy-Report-Only" not in client.get("/")


def test_two_visitors_never_see_each_others_nonce(pages: list[str]) -> None:
    for page in pages:
        seen = []
        for _visitor in range(2):
            response = Client().get(page)
            header_nonce = NONCE.search(response["Content-Security-Policy"])
            page_nonces = set(PAGE_NONCE.findall(response.content.decode()))
            assert header_nonce is not None, page
            assert page_nonces == {header_nonce.group(1)}, page
            seen.append(header_nonce.group(1))
        assert seen[0] != seen[1], page


def test_each_request_has_its_own_nonce(client: Client) -> None:
    first, second = (NONCE.search(client.get("/")["Content-Security-Policy"]) for _ in range(2))

    assert first is not None
    assert second is not None
    assert first.group(1) != second.group(1)


def test_two_visitors_never_see_each_others_form_token(pages: list[str]) -> None:
    forms = [*FORM_PAGES, pages[-1]]
    for page in forms:
        tokens, cookies = [], []
        for _visitor in range(2):
            response = Client().get(page)
            match = FORM_TOKEN.search(response.content.decode())
            assert match is not None, page
            tokens.append(match.group(1))
            cookies.append(response.cookies[settings.CSRF_COOKIE_NAME].value)
        assert tokens[0] != tokens[1], page
        assert cookies[0] != cookies[1], page


def test_one_visitors_form_token_does_not_work_for_another() -> None:
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_token = FORM_TOKEN.search(first.get("/contact/").content.decode())
    second.get("/contact/")
    assert first_token is not None

    response = second.post("/contact/", {"csrfmiddlewaretoken": first_token.group(1)})

    assert response.status_code == 403


@pytest.mark.parametrize("accepted", [False, True], ids=["no choice", "accepted analytics"])
def test_the_policy_is_the_one_django_csp_would_write_with_this_requests_nonce(
    client: Client, analytics: str, accepted: bool
) -> None:
    from csp.utils import build_policy

    from safeguarding.public import consent

    if accepted:
        client.cookies["cookies_policy"] = consent.cookie_value(
            consent.Choice.ACCEPTED, just_chosen=False
        )
    for _request in range(2):  # the second from the policy built once per process
        response = client.get("/about/")
        nonce = NONCE.search(response["Content-Security-Policy"])
        assert nonce is not None

        assert response["Content-Security-Policy"] == build_policy(
            update=consent.analytics_csp() if accepted else None, nonce=nonce.group(1)
        )
