"""End-to-end in Chromium: a reader signs up for the newsletter, confirms from the emailed link,
receives a campaign, and leaves from the link in it (the GET only shows a button)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from safeguarding.newsletter import sending
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import Subscriber, Suppression
from tests.browser.conftest import assert_accessible
from tests.newsletter.factories import campaign, ensure_defaults
from tests.smtp import Mailbox, links

READER = "reader@example.net"


def test_a_reader_subscribes_confirms_receives_a_campaign_and_unsubscribes(
    page: Page, live_server: Any, mailbox: Mailbox, run_tasks: Callable[[], None], settings: Any
) -> None:
    settings.NEWSLETTER_RATE_PER_SECOND = 0
    ensure_defaults()

    page.goto("/newsletter/")
    assert_accessible(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("NSCP newsletter").check()
    page.get_by_label("Email address").fill(READER)
    page.get_by_role("button", name="Sign up").click()
    expect(page.locator("h1")).to_have_text("Check your email")
    assert_accessible(page)

    run_tasks()
    [confirmation] = mailbox.to(READER)
    [confirm_link] = {url for url in links(confirmation) if "/newsletter/confirm/" in url}
    page.goto(confirm_link)
    assert_accessible(page)
    assert Subscriber.objects.get().confirmed_at is None  # opening the link changes nothing
    page.get_by_role("button", name="Confirm my subscription").click()
    expect(page.locator("h1")).to_have_text("You are subscribed")
    assert_accessible(page)

    mailbox.clear()
    sending.campaign_start(campaign_id=campaign(subject="Winter newsletter").pk, actor=None)
    run_tasks()
    [newsletter] = mailbox.to(READER)
    [unsubscribe_link] = {url for url in links(newsletter) if "/newsletter/unsubscribe/" in url}

    page.goto(unsubscribe_link)
    assert_accessible(page)
    assert Subscriber.objects.exists()  # a link scanner following it unsubscribes nobody
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.locator("h1")).to_have_text("You are unsubscribed")
    assert_accessible(page)
    assert not Subscriber.objects.exists()
    assert Suppression.objects.filter(address_hash=address_hash(READER)).exists()
