"""In Chromium, on a phone-sized screen: a communications officer finds a subscriber without
their address ever being in a URL, reads their topics, consent evidence and history, stops a
topic for them and then unsubscribes them, each with a reason. Every page is checked with axe,
and none scrolls sideways at 375 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.newsletter.models import Consent, Subscriber
from tests.browser.conftest import assert_accessible, assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.newsletter.factories import confirmed_subscriber

ADDRESS = "sam.jones.with.a.long.address@school.example.org"


def checked(page: Page) -> None:
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{page.url} scrolls sideways at {page.viewport_size}"
    )


def test_a_communications_officer_finds_a_subscriber_and_acts_for_them(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    subscriber = confirmed_subscriber(ADDRESS, "newsletter", "events")
    Consent.objects.filter(subscriber=subscriber).update(evidence="Box file 3, form 17")
    confirmed_subscriber("someone.else@example.org")
    signed_in(page, live_server, make_user(Role.COMMUNICATIONS_OFFICER))

    page.goto("/staff/")
    page.get_by_test_id("staff-tools").get_by_role("link", name="Subscribers").click()
    assert_page_basics(page, "Find a subscriber")
    checked(page)

    page.get_by_role("button", name="Search").click()
    assert_page_basics(page, "Error: Find a subscriber")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address or name to search for"
    )
    checked(page)

    page.get_by_label("Email address or name").fill("sam.jones")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("h2#results")).to_have_text("1 subscriber found")
    assert "sam" not in page.url
    expect(page.get_by_label("Email address or name")).to_have_value("sam.jones")
    checked(page)

    page.get_by_role("link", name=ADDRESS).click()
    assert_page_basics(page, f"Subscriber: {ADDRESS}")
    main = page.locator("main")
    expect(main).to_contain_text("Box file 3, form 17")
    expect(main).to_contain_text("Version 1")
    checked(page)

    page.get_by_role("link", name="Stop some of their topics").click()
    assert_page_basics(page, "Stop some of their topics")
    checked(page)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Say why you are doing this for them"
    )
    checked(page)
    page.get_by_label("Events", exact=False).uncheck()
    page.get_by_label("Why are you doing this for them?").fill("Asked by phone")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 subscription stopped")
    expect(page.locator("main")).to_contain_text("Reason: Asked by phone")
    checked(page)

    page.get_by_role("link", name="Unsubscribe them from everything").click()
    assert_page_basics(page, "Unsubscribe them from everything")
    checked(page)
    page.get_by_label("Why are you doing this for them?").fill("Asked again, by letter")
    page.get_by_role("button", name="Unsubscribe them").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "They are unsubscribed from everything"
    )
    checked(page)
    assert not Subscriber.objects.filter(email=ADDRESS).exists()
    assert AuditEntry.objects.filter(
        action="newsletter.subscriber.unsubscribed", reason="Asked again, by letter"
    ).exists()
