"""Accepting and rejecting analytics cookies in Chromium: the cookie jar and the network log
(P20, P22, P23, P24)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from playwright.sync_api import Page, expect

from safeguarding.public import cookies
from tests.browser.conftest import (
    ANALYTICS_HOSTS,
    assert_accessible,
    assert_page_basics,
    tab_to,
)


def analytics_requests(network_log: list[str]) -> list[str]:
    return [url for url in network_log if any(host in url for host in ANALYTICS_HOSTS)]


def jar(page: Page) -> dict[str, dict[str, Any]]:
    return {cookie["name"]: dict(cookie) for cookie in page.context.cookies()}


def test_analytics_loads_only_after_the_visitor_accepts(
    page: Page, live_server: Any, network_log: list[str], analytics: str
) -> None:
    page.goto("/about/")
    banner = page.locator(".govuk-cookie-banner")
    expect(banner).to_be_visible()
    assert_accessible(page)
    page.goto("/contact/")
    assert analytics_requests(network_log) == []
    assert set(jar(page)) == {settings.CSRF_COOKIE_NAME}

    page.get_by_role("button", name="Accept analytics cookies").click()

    expect(banner).to_contain_text(
        "You\N{RIGHT SINGLE QUOTATION MARK}ve accepted analytics cookies"
    )
    assert_accessible(page)
    assert page.url.endswith("/contact/")
    [script] = analytics_requests(network_log)
    assert script.startswith(f"https://www.googletagmanager.com/gtag/js?id={analytics}")
    consent = jar(page)[cookies.CONSENT_COOKIE_NAME]
    lifetime = datetime.fromtimestamp(consent["expires"], UTC) - datetime.now(UTC)
    assert timedelta(days=364) < lifetime <= timedelta(days=365)
    assert consent["httpOnly"]

    page.get_by_role("button", name="Hide cookie message").click()
    expect(banner).to_be_hidden()
    page.goto("/about/")
    expect(page.locator(".govuk-cookie-banner")).to_have_count(0)


def test_rejecting_removes_analytics_cookies_and_sends_nothing_to_analytics(
    page: Page, live_server: Any, network_log: list[str], analytics: str
) -> None:
    # As Google Analytics would have left them after an earlier acceptance on this host.
    page.context.add_cookies(
        [
            {"name": "_ga", "value": "GA1.1.1.1", "url": live_server.url},
            {"name": f"_ga_{analytics[2:]}", "value": "GS1.1.1", "url": live_server.url},
        ]
    )
    page.goto("/")

    page.get_by_role("button", name="Reject analytics cookies").click()

    expect(page.locator(".govuk-cookie-banner")).to_contain_text(
        "You\N{RIGHT SINGLE QUOTATION MARK}ve rejected analytics cookies"
    )
    assert set(jar(page)) == {settings.CSRF_COOKIE_NAME, cookies.CONSENT_COOKIE_NAME}
    assert analytics_requests(network_log) == []


def test_the_banner_works_with_javascript_off(
    no_script_page: Page, live_server: Any, analytics: str
) -> None:
    page = no_script_page
    page.goto("/about/")

    page.get_by_role("button", name="Reject analytics cookies").click()
    expect(page.locator(".govuk-cookie-banner")).to_contain_text(
        "You\N{RIGHT SINGLE QUOTATION MARK}ve rejected"
    )
    page.get_by_role("button", name="Hide cookie message").click()

    assert page.url.endswith("/about/")
    expect(page.locator(".govuk-cookie-banner")).to_have_count(0)
    assert_page_basics(page, "About the partnership")


def test_the_banner_is_the_first_thing_a_keyboard_reaches(
    page: Page, live_server: Any, network_log: list[str], analytics: str
) -> None:
    page.goto("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Accept analytics cookies"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator(".govuk-cookie-banner")).to_contain_text(
        "You\N{RIGHT SINGLE QUOTATION MARK}ve accepted"
    )
    tab_to(page, "[data-app-hide-cookie-banner]")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-cookie-banner")).to_be_hidden()
    assert len(analytics_requests(network_log)) == 1


def test_global_privacy_control_means_no_banner_and_no_analytics(
    page: Page, live_server: Any, network_log: list[str], analytics: str
) -> None:
    page.set_extra_http_headers({"Sec-GPC": "1"})

    page.goto("/")

    expect(page.locator(".govuk-cookie-banner")).to_have_count(0)
    page.goto("/cookies/")
    expect(page.get_by_text("Global Privacy Control")).to_be_visible()
    assert analytics_requests(network_log) == []


def test_the_cookies_page_saves_a_choice_and_confirms_it(
    page: Page, live_server: Any, network_log: list[str], analytics: str
) -> None:
    page.goto("/cookies/")
    assert_page_basics(page, "Cookies")
    assert_accessible(page)
    expect(page.get_by_label("No")).to_be_checked()
    assert analytics_requests(network_log) == []

    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Save cookie settings").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "You\N{RIGHT SINGLE QUOTATION MARK}ve set your cookie preferences"
    )
    assert_accessible(page)
    assert len(analytics_requests(network_log)) == 1

    page.get_by_label("No").check()
    page.get_by_role("button", name="Save cookie settings").click()
    page.goto("/")
    assert len(analytics_requests(network_log)) == 1, "analytics loaded after rejecting"
