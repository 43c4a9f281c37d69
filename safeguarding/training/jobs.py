"""Scheduled training work: passing on expired offers, reminders, pruning unconfirmed bookings.

Jobs are thin and safe to run twice: each reminder is claimed by a conditional UPDATE of its
"sent" column, so two schedulers, or a job run twice on one day, never send it twice.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from safeguarding.audit.services import audit_log
from safeguarding.core.scheduler import PeriodicJob, daily, register
from safeguarding.core.working_days import is_working_day
from safeguarding.training import emails, services
from safeguarding.training.models import ATTENDED, Booking, BookingStatus, SessionStatus

UNCONFIRMED_KEPT_FOR = timedelta(days=30)


@task()
def expire_offers() -> int:
    return services.expire_offers()


register(
    PeriodicJob(name="training.expire_offers", task=expire_offers, every=timedelta(minutes=15))
)


def working_days_ahead(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _day_end(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def send_reminders(*, now: datetime | None = None) -> int:
    """Send each confirmed booking's first reminder (TRAINING_FIRST_REMINDER_DAYS calendar days
    before) and last reminder (TRAINING_LAST_REMINDER_WORKING_DAYS working days before), once.
    A booking made after a reminder's day gets only the reminders still ahead of it."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_ahead = timedelta(days=settings.TRAINING_FIRST_REMINDER_DAYS)
    first_by = _day_end(today + timedelta(days=settings.TRAINING_FIRST_REMINDER_DAYS))
    last_by = _day_end(working_days_ahead(today, settings.TRAINING_LAST_REMINDER_WORKING_DAYS))
    upcoming = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        session__status=SessionStatus.SCHEDULED,
        session__starts_at__gt=now,
    )
    sent = 0
    due_last = upcoming.filter(session__starts_at__lt=last_by, last_reminder_sent_at__isnull=True)
    for booking_id in due_last.values_list("pk", flat=True):
        sent += _claim_and_send(booking_id, "last_reminder_sent_at", now)
    due_first = upcoming.filter(
        session__starts_at__lt=first_by,
        first_reminder_sent_at__isnull=True,
        last_reminder_sent_at__isnull=True,
        created_at__lt=F("session__starts_at") - first_ahead,
    )
    for booking_id in due_first.values_list("pk", flat=True):
        sent += _claim_and_send(booking_id, "first_reminder_sent_at", now)
    return sent


def send_follow_up_invitations(*, now: datetime | None = None) -> int:
    """Invite each attendee to the impact evaluation TRAINING_FOLLOW_UP_WEEKS weeks after
    their session, once (sessions more than 30 days past that point are left alone)."""
    now = now or timezone.now()
    due_by = now - timedelta(weeks=settings.TRAINING_FOLLOW_UP_WEEKS)
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        attendance__in=ATTENDED,
        session__status=SessionStatus.CLOSED,
        session__ends_at__lte=due_by,
        session__ends_at__gt=due_by - timedelta(days=30),
        follow_up_invited_at__isnull=True,
    )
    return sum(
        _claim_and_send(booking_id, "follow_up_invited_at", now, email="evaluation_follow_up")
        for booking_id in due.values_list("pk", flat=True)
    )


@daily("training.follow_up_evaluations")
@task()
def follow_up_evaluations() -> int:
    return send_follow_up_invitations()


def _claim_and_send(booking_id: int, column: str, now: datetime, *, email: str = "reminder") -> int:
    """Set ``column`` if it is still empty and, only if this call set it, send ``email``."""
    with transaction.atomic():
        claimed = Booking.objects.filter(pk=booking_id, **{f"{column}__isnull": True}).update(
            **{column: now}
        )
        if not claimed:
            return 0
        booking = Booking.objects.get(pk=booking_id)
        audit_log(
            action=f"training.booking.{email}_sent",
            actor=None,
            target=booking,
            details={"column": column},
        )
        emails.queue(email, booking=booking)
    return 1


@daily("training.reminders")
@task()
def reminders() -> int:
    return send_reminders()


def prune_unconfirmed(*, now: datetime | None = None) -> int:
    """Delete bookings a manager declined, or never answered, 30 days on."""
    now = now or timezone.now()
    cutoff = now - UNCONFIRMED_KEPT_FOR
    stale = Booking.objects.filter(
        Q(status=BookingStatus.DECLINED, decided_at__lt=cutoff)
        | Q(status=BookingStatus.AWAITING_APPROVAL, session__ends_at__lt=cutoff)
    )
    with transaction.atomic():
        ids = list(stale.values_list("pk", flat=True))
        if not ids:
            return 0
        Booking.objects.filter(pk__in=ids).delete()
        audit_log(
            action="training.booking.pruned_unconfirmed",
            actor=None,
            target_type="training.booking",
            details={"count": len(ids)},
        )
    return len(ids)


@daily("training.prune_unconfirmed")
@task()
def prune_unconfirmed_job() -> int:
    return prune_unconfirmed()
