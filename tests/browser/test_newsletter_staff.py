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
from safeguarding.newsletter import sending, tokens
from safeguarding.newsletter.models import (
    Campaign,
    CampaignState,
    Consent,
    Delivery,
    DeliveryState,
    Topic,
)
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from tests.browser.conftest import assert_accessible, assert_page_basics
from tests.conftest import sign_in
from tests.newsletter.factories import campaign, confirmed_subscriber, ensure_defaults
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


def watching_a_campaign(
    page: Page, live_server: Any, make_user: Callable[..., User], *, readers: int
) -> Campaign:
    """A campaign that has started sending to ``readers`` people, and an officer's browser
    on its page with a fake clock (its timers run only when the test says)."""
    ensure_defaults()
    officer = make_user(Role.COMMUNICATIONS_OFFICER)
    for n in range(readers):
        confirmed_subscriber(f"reader{n}@example.net")
    made = campaign(subject="Winter newsletter")
    sending.campaign_start(campaign_id=made.pk, actor=officer)
    signed_in(page, live_server, officer)
    page.clock.install()
    page.goto(f"/staff/newsletter/{made.pk}/")
    return made


def test_a_sending_campaigns_progress_updates_in_place_and_can_be_stopped(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    """No page refresh (axe's meta-refresh rule, WCAG 2.2.1): the numbers are fetched again
    in place every 10 seconds, and a button stops that (WCAG 2.2.2)."""
    made = watching_a_campaign(page, live_server, make_user, readers=3)

    assert_accessible(page)
    expect(page.locator("#progress-remaining")).to_have_text("3")
    expect(page.get_by_role("link", name="Refresh to see the latest progress")).to_be_hidden()
    stop = page.get_by_role("button", name="Stop updating the progress")
    expect(stop).to_be_visible()

    Delivery.objects.filter(campaign=made).update(state=DeliveryState.SENT)
    page.clock.run_for(10_000)
    expect(page.locator("#progress-sent")).to_have_text("3")
    expect(page.locator("#progress-remaining")).to_have_text("0")

    Campaign.objects.filter(pk=made.pk).update(state=CampaignState.FINISHED)
    page.clock.run_for(10_000)
    expect(page.locator("#progress-state")).to_have_text("Finished")
    expect(page.locator("[data-app-progress-status]")).to_contain_text("Sending has stopped")
    expect(stop).to_be_hidden()
    assert_accessible(page)


def test_stopping_the_updates_keeps_the_numbers_still(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    made = watching_a_campaign(page, live_server, make_user, readers=1)

    page.get_by_role("button", name="Stop updating the progress").click()
    refresh = page.get_by_role("link", name="Refresh to see the latest progress")
    expect(refresh).to_be_focused()
    Delivery.objects.filter(campaign=made).update(state=DeliveryState.SENT)
    page.clock.run_for(30_000)

    expect(page.locator("#progress-sent")).to_have_text("0")


def test_without_javascript_the_progress_page_offers_a_refresh_link_only(
    no_script_page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    watching_a_campaign(no_script_page, live_server, make_user, readers=1)

    expect(
        no_script_page.get_by_role("link", name="Refresh to see the latest progress")
    ).to_be_visible()
    expect(no_script_page.locator("[data-app-stop-updates]")).to_be_hidden()
    assert no_script_page.locator("meta[http-equiv]").count() == 0
