"""Reminders 14 days and 2 working days before, sent once by the daily job."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.core.scheduler import registered_jobs
from safeguarding.training import links as training_links
from safeguarding.training.jobs import (
    prune_unconfirmed,
    send_follow_up_invitations,
    send_reminders,
)
from safeguarding.training.models import Attendance, Booking, BookingStatus, SessionStatus
from tests.smtp import Mailbox
from tests.training.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Wednesday 30 December 2026, 09:30; Christmas Day and the Boxing Day substitute (28th) before.
SESSION_START = datetime(2026, 12, 30, 9, 30, tzinfo=LONDON)


def booked_long_ago() -> Booking:
    session = SessionFactory(
        starts_at=SESSION_START,
        ends_at=SESSION_START + timedelta(hours=3),
        bookings_close_at=SESSION_START - timedelta(days=1),
    )
    return BookingFactory(session=session, created_at=SESSION_START - timedelta(days=40))


def test_the_jobs_are_registered_with_the_scheduler() -> None:
    names = {job.name for job in registered_jobs()}

    assert {
        "training.reminders",
        "training.expire_offers",
        "training.prune_unconfirmed",
        "training.follow_up_evaluations",
    } <= names


def test_the_first_reminder_goes_14_days_before_and_only_once() -> None:
    booking = booked_long_ago()

    too_early = send_reminders(now=datetime(2026, 12, 15, 8, 0, tzinfo=LONDON))
    on_the_day = send_reminders(now=datetime(2026, 12, 16, 8, 0, tzinfo=LONDON))
    again = send_reminders(now=datetime(2026, 12, 16, 9, 0, tzinfo=LONDON))

    assert (too_early, on_the_day, again) == (0, 1, 0)
    booking.refresh_from_db()
    assert booking.first_reminder_sent_at is not None
    assert booking.last_reminder_sent_at is None


def test_the_last_reminder_counts_working_days_around_bank_holidays() -> None:
    booked_long_ago()
    send_reminders(now=datetime(2026, 12, 16, 8, 0, tzinfo=LONDON))

    # Two working days before Wednesday 30th, skipping the 25th and 28th, is Thursday 24th.
    on_the_23rd = send_reminders(now=datetime(2026, 12, 23, 8, 0, tzinfo=LONDON))
    on_the_24th = send_reminders(now=datetime(2026, 12, 24, 8, 0, tzinfo=LONDON))
    later = send_reminders(now=datetime(2026, 12, 29, 8, 0, tzinfo=LONDON))

    assert (on_the_23rd, on_the_24th, later) == (0, 1, 0)
    assert AuditEntry.objects.filter(action="training.booking.reminder_sent").count() == 2


def test_cancelled_bookings_get_no_reminder() -> None:
    booking = booked_long_ago()
    booking.status = BookingStatus.CANCELLED
    booking.save()

    assert send_reminders(now=datetime(2026, 12, 29, 8, 0, tzinfo=LONDON)) == 0


@pytest.mark.django_db(transaction=True)
def test_the_reminder_is_emailed_with_the_calendar_file(
    smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    booking = booked_long_ago()

    send_reminders(now=datetime(2026, 12, 24, 8, 0, tzinfo=LONDON))
    run_tasks()

    [message] = smtp_server.to(booking.email)
    assert message["Subject"].startswith("Reminder:")
    assert [part.get_content_type() for part in message.iter_attachments()] == ["text/calendar"]


def test_declined_bookings_are_pruned_after_30_days() -> None:
    declined = BookingFactory(
        status=BookingStatus.DECLINED, decided_at=datetime(2026, 1, 1, tzinfo=LONDON)
    )
    recent = BookingFactory(
        status=BookingStatus.DECLINED, decided_at=datetime(2026, 1, 20, tzinfo=LONDON)
    )

    assert prune_unconfirmed(now=datetime(2026, 2, 5, tzinfo=LONDON)) == 1
    assert not Booking.objects.filter(pk=declined.pk).exists()
    assert Booking.objects.filter(pk=recent.pk).exists()


def test_attendees_are_invited_once_to_the_impact_evaluation_six_weeks_on(client: Client) -> None:
    ended = timezone.now() - timedelta(weeks=6, days=1)
    session = SessionFactory(
        starts_at=ended - timedelta(hours=2),
        ends_at=ended,
        bookings_close_at=ended - timedelta(hours=2),
        status=SessionStatus.CLOSED,
    )
    attended = BookingFactory(session=session, attendance=Attendance.PRESENT)
    BookingFactory(session=session, attendance=Attendance.ABSENT)

    first, again = send_follow_up_invitations(), send_follow_up_invitations()
    link = training_links.my_training_url(attended.email, booking_id=attended.pk)
    page = client.get("/" + link.split("://", 1)[1].split("/", 1)[1]).content.decode()

    assert (first, again) == (1, 0)
    assert "Tell us about the impact" in page
