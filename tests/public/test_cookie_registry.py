"""The cookie registry (P18, P19, P21, P24) and the cookies page generated from it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client

from safeguarding.public import cookies
from safeguarding.public.cookies import Category, Storage

pytestmark = pytest.mark.django_db


def test_there_are_only_strictly_necessary_and_analytics_categories() -> None:
    assert [category.value for category in Category] == ["strictly necessary", "analytics"]


def test_without_analytics_every_cookie_is_strictly_necessary_and_named_as_configured() -> None:
    declared = cookies.registry()

    assert {cookie.category for cookie in declared} == {Category.STRICTLY_NECESSARY}
    names = [cookie.name for cookie in declared]
    assert settings.SESSION_COOKIE_NAME in names
    assert settings.CSRF_COOKIE_NAME in names
    assert cookies.CONSENT_COOKIE_NAME not in names, "no choice to remember without analytics"


def test_the_session_cookie_is_declared_as_ending_when_the_browser_closes() -> None:
    session = cookies.declaration_for(settings.SESSION_COOKIE_NAME)

    assert session is not None
    assert session.lifetime is None
    assert session.expires == "When you close your browser"


def test_analytics_cookies_are_declared_with_the_lifetimes_the_notice_states(
    analytics: str,
) -> None:
    lifetimes = {
        cookie.name: cookie.lifetime
        for cookie in cookies.registry()
        if cookie.category is Category.ANALYTICS
    }

    assert lifetimes == {
        "_ga": timedelta(days=730),
        "_gid": timedelta(hours=24),
        "_gat": timedelta(minutes=1),
        "_gac": timedelta(days=90),
    }
    consent = cookies.declaration_for(cookies.CONSENT_COOKIE_NAME)
    assert consent is not None
    assert consent.category is Category.STRICTLY_NECESSARY
    assert consent.lifetime == timedelta(days=365)


@pytest.mark.parametrize(
    ("name", "declared_as"),
    [("_ga", "_ga"), ("_ga_TEST12345", "_ga"), ("_gat_gtag_G_TEST", "_gat"), ("_gac_1", "_gac")],
)
def test_analytics_cookie_families_match_their_suffixed_names(
    analytics: str, name: str, declared_as: str
) -> None:
    declaration = cookies.declaration_for(name)

    assert declaration is not None
    assert declaration.name == declared_as


def test_an_unknown_name_or_a_storage_key_of_the_same_name_is_not_declared(analytics: str) -> None:
    assert cookies.declaration_for("_fbp") is None
    assert cookies.declaration_for("_gax") is None
    assert cookies.declaration_for("_ga", Storage.LOCAL_STORAGE) is None


def test_the_policy_version_changes_when_an_optional_cookie_or_purpose_changes(
    analytics: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = cookies.policy_version()
    changed = [*cookies._analytics()]
    changed[0] = cookies.DeclaredCookie(
        name="_ga",
        category=Category.ANALYTICS,
        purpose="A new purpose",
        set_by="Google",
        lifetime=timedelta(days=730),
    )
    monkeypatch.setattr(cookies, "_analytics", lambda: changed)

    assert cookies.policy_version() != before


@pytest.mark.parametrize(
    ("lifetime", "words"),
    [
        (timedelta(days=730), "2 years"),
        (timedelta(days=365), "1 year"),
        (timedelta(days=90), "90 days"),
        (timedelta(hours=24), "24 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(minutes=1), "1 minute"),
    ],
)
def test_lifetimes_read_as_words(lifetime: timedelta, words: str) -> None:
    assert cookies.lifetime_in_words(lifetime) == words


def test_cookies_page_without_analytics_has_one_table_and_no_question(client: Client) -> None:
    content = client.get("/cookies/").content.decode()

    assert "Strictly necessary cookies" in content
    assert "Analytics cookies" not in content
    assert 'name="analytics"' not in content
    assert f"<code>{settings.SESSION_COOKIE_NAME}</code>" in content
    assert f"<code>{settings.CSRF_COOKIE_NAME}</code>" in content


def test_cookies_page_with_analytics_lists_each_cookie_and_its_expiry(
    client: Client, analytics: str
) -> None:
    content = client.get("/cookies/").content.decode()

    assert "Analytics cookies (optional)" in content
    for name, expires in [
        ("_ga, _ga_…", "After 2 years"),
        ("_gid", "After 24 hours"),
        ("_gat, _gat_…", "After 1 minute"),
        ("_gac, _gac_…", "After 90 days"),
        (cookies.CONSENT_COOKIE_NAME, "After 1 year"),
    ]:
        assert f"<code>{name}</code>" in content
        row = content.split(f"<code>{name}</code>")[1].split("</tr>")[0]
        assert expires in row, name
