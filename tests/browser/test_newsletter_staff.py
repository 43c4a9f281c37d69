"""In Chromium: a communications officer adds, renames and retires a newsletter topic, and a
subscriber asks for their data from the manage page. Every page is checked with axe."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.newsletter import tokens
from safeguarding.newsletter.models import Consent, Topic
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from tests.browser.conftest import assert_accessible, assert_page_basics
from tests.conftest import sign_in
from tests.newsletter.factories import confirmed_subscriber, ensure_defaults
from tests.smtp import Mailbox


def signed_in(page: Page, live_server: Any, user: User) -> None:
    """The browser carries a session that passed password and TOTP (the sign-in journey
    itself is tested in test_journeys.py)."""
    client = Client()
    sign_in(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def test_an_officer_adds_renames_and_retires_a_topic(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    ensure_defaults()
    signed_in(page, live_server, make_user(Role.COMMUNICATIONS_OFFICER))

    page.goto("/staff/newsletter/topics/")
    assert_page_basics(page, "Newsletter topics")
    assert_accessible(page)

    page.get_by_role("link", name="Add a topic").click()
    page.get_by_role("button", name="Add the topic").click()
    assert_page_basics(page, "Error: Add a topic")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the topic's name")
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Parents' bulletin")
    page.get_by_label("Description (optional)").fill("For parents and carers, each term.")
    page.get_by_role("button", name="Add the topic").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Parents' bulletin")
    assert Topic.objects.filter(slug="parents-bulletin", is_active=True).exists()

    page.get_by_role("link", name="Change Parents' bulletin").click()
    assert_accessible(page)
    page.get_by_label("Name", exact=True).fill("Bulletin for parents and carers")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("table")).to_contain_text("Bulletin for parents and carers")

    confirmed_subscriber("parent@example.net", "parents-bulletin")
    page.get_by_role("link", name="Retire Bulletin for parents and carers").click()
    assert_accessible(page)
    expect(page.locator("main")).to_contain_text("1 subscription to it will end")
    page.get_by_role("button", name="Retire the topic").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is retired")
    assert_accessible(page)
    assert not Topic.objects.get(slug="parents-bulletin").is_active
    assert not Consent.objects.filter(withdrawn_at__isnull=True).exists()


def test_a_subscriber_asks_for_a_copy_of_their_data_from_the_manage_page(
    page: Page, live_server: Any, mailbox: Mailbox
) -> None:
    subscriber = confirmed_subscriber("reader@example.net")

    page.goto(f"/newsletter/manage/{tokens.make(tokens.MANAGE, subscriber)}/")
    assert_accessible(page)
    page.get_by_role("button", name="Ask for this").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose what you would like")
    assert_accessible(page)

    page.get_by_label("Send me a copy of all the data you hold about me").check()
    page.get_by_role("button", name="Ask for this").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert RightsRequest.objects.get().kind == RequestKind.ACCESS
