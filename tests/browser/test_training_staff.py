"""In Chromium, at desktop and phone widths: a training officer changes a session (meeting
the capacity rule on the way), cancels it with a message, and downloads the charges for
invoicing. Every page is checked with axe and must not scroll sideways."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.training.models import BookingStatus, Charge, ChargeReason, SessionStatus
from tests.browser.conftest import assert_accessible, assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.smtp import Mailbox
from tests.training.factories import BookingFactory, SessionFactory


def checked(page: Page) -> None:
    """Accessible, and nothing wider than the window but what scrolls in its own box."""
    assert_accessible(page)
    width = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert width <= 0, f"{page.url} scrolls sideways by {width}px"


@pytest.mark.parametrize("width", [1024, 375])
def test_a_training_officer_changes_and_cancels_a_session_and_downloads_charges(
    page: Page,
    live_server: Any,
    mailbox: Mailbox,
    run_tasks: Callable[[], None],
    make_user: Callable[..., User],
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    session = SessionFactory(
        course__title="Working together (invented)", capacity=10, venue="County Hall (invented)"
    )
    booked = BookingFactory.create_batch(3, session=session)
    charged = BookingFactory(organisation="Invented Academy")
    Charge.objects.create(
        booking=charged,
        organisation="Invented Academy",
        reason=ChargeReason.NO_SHOW,
        amount=Decimal("60"),
    )
    signed_in(page, live_server, make_user(Role.TRAINING_COORDINATOR))

    page.goto(f"/staff/training/sessions/{session.pk}/")
    checked(page)
    page.get_by_role("link", name="Change the session").click()
    assert_page_basics(page, "Change the session")
    checked(page)

    page.get_by_label("Capacity").fill("2")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "There are 3 places booked: the capacity cannot be lower than that"
    )
    assert_page_basics(page, "Error: Change the session")
    checked(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Capacity")).to_be_focused()

    page.get_by_label("Capacity").fill("12")
    page.get_by_label("Venue").fill("Civic Centre (invented)")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Session changes saved.")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Civic Centre (invented)")
    checked(page)

    page.get_by_role("link", name="Cancel the session").click()
    checked(page)
    page.get_by_role("button", name="Cancel the session and send").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a message to the people booked and waiting"
    )
    checked(page)
    page.get_by_label("Message to everyone booked and waiting").fill(
        "The trainer is unwell. We will offer a new date soon."
    )
    page.get_by_role("button", name="Cancel the session and send").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Session cancelled. We are emailing 3 people."
    )
    checked(page)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert {b.status for b in session.bookings.all()} == {BookingStatus.CANCELLED}
    run_tasks()
    for booking in booked:
        assert any("Cancelled:" in m["Subject"] for m in mailbox.to(booking.email))

    page.goto("/staff/training/")
    page.get_by_role("link", name="Charges: late cancellations and no-shows").click()
    assert_page_basics(page, "Charges")
    checked(page)
    today = timezone.localdate()
    start = today - timedelta(days=7)
    page.get_by_label("Organisation").select_option("Invented Academy")
    from_group = page.get_by_role("group", name="Charged from")
    from_group.get_by_label("Day").fill(str(start.day))
    from_group.get_by_label("Month").fill(str(start.month))
    from_group.get_by_label("Year").fill(str(start.year))
    to_group = page.get_by_role("group", name="Charged up to and including")
    to_group.get_by_label("Day").fill(str(today.day))
    to_group.get_by_label("Month").fill("13")
    to_group.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Show charges").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Charged up to and including must be a real date"
    )
    assert_page_basics(page, "Error: Charges")
    checked(page)
    page.get_by_role("group", name="Charged up to and including").get_by_label("Month").fill(
        str(today.month)
    )
    page.get_by_role("button", name="Show charges").click()
    expect(page.locator("table")).to_contain_text("1 charge, £60.00 in all")
    checked(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download these charges (CSV, audited)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert '"Invented Academy"' in text
    assert charged.full_name in text
