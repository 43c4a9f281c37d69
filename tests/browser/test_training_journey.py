"""End-to-end in Chromium: a practitioner finds a course, books it (meeting the form's errors
on the way) and receives the confirmation with its calendar file on a loopback SMTP server."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import icalendar
from playwright.sync_api import Page, expect

from safeguarding.training.models import Booking, BookingStatus
from tests.browser.conftest import assert_accessible
from tests.smtp import Mailbox
from tests.training.factories import SessionFactory

LEARNER = "ada.learner@school.example.org"


def test_a_practitioner_books_a_course_and_gets_the_confirmation_with_a_calendar_file(
    page: Page, live_server: Any, mailbox: Mailbox, run_tasks: Callable[[], None]
) -> None:
    session = SessionFactory(course__title="Working together (invented)", capacity=5)

    page.goto("/courses/")
    assert_accessible(page)
    page.get_by_role("link", name="Working together (invented)").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^Book")).click()
    assert_accessible(page)

    page.get_by_role("button", name="Book my place").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    assert not Booking.objects.exists()

    page.get_by_label("Full name").fill("Ada Learner")
    page.get_by_label("Work email address").fill(LEARNER)
    page.get_by_label("Organisation", exact=True).fill("Invented Academy")
    page.get_by_label("School or education").check()
    page.get_by_label("Your role").fill("Designated safeguarding lead")
    page.get_by_role("button", name="Book my place").click()

    expect(page.locator("h1")).to_have_text("Your place is booked")
    assert_accessible(page)
    booking = Booking.objects.get()
    assert (booking.session_id, booking.status) == (session.pk, BookingStatus.CONFIRMED)

    run_tasks()
    [message] = mailbox.to(LEARNER)
    [calendar] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    event = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
