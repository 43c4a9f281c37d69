"""Changes made by the training coordinator and trainers: the programme, approvals, moving
people between sessions, attendance, closing a session, and the audited attendance export."""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core.spreadsheets import SafeWriter
from safeguarding.training import emails
from safeguarding.training.certificates import certificate_issue_if_due
from safeguarding.training.models import (
    HOLDING,
    AccessNeeds,
    Attendance,
    Booking,
    BookingStatus,
    ChargeReason,
    Course,
    Session,
    SessionStatus,
)
from safeguarding.training.selectors import places_left
from safeguarding.training.services import (
    BookingRefused,
    already_on,
    locked_session,
    offer_free_places,
    record_charge,
)

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


def course_create(*, actor: User, fields: dict[str, Any], prerequisites: Any = ()) -> Course:
    with transaction.atomic():
        course = Course(**fields)
        course.full_clean()
        course.save()
        course.prerequisites.set(prerequisites)
        audit_log(action="training.course.created", actor=actor, target=course)
    return course


def session_create(*, actor: User, course: Course, fields: dict[str, Any]) -> Session:
    with transaction.atomic():
        session = Session(course=course, **fields)
        if session.bookings_close_at is None:
            session.bookings_close_at = session.starts_at
        session.full_clean()
        session.save()
        audit_log(action="training.session.created", actor=actor, target=session)
    return session


def booking_move(*, booking: Booking, to_session: Session, actor: User) -> Booking:
    """Move a booked person to another session of any course with a free place. Both
    sessions are locked, in id order so two moves cannot deadlock."""
    if booking.session_id == to_session.pk:
        raise BookingRefused("They are already booked on that session.")
    with transaction.atomic():
        first, second = sorted([booking.session_id, to_session.pk])
        locked_session(first)
        locked_session(second)
        target = Session.objects.get(pk=to_session.pk)
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status not in HOLDING:
            raise BookingRefused("Only a current booking can be moved.")
        if target.status != SessionStatus.SCHEDULED or target.starts_at <= timezone.now():
            raise BookingRefused("That session is not open.")
        if places_left(target) < 1:
            raise BookingRefused("That session is full.")
        if already_on(target, locked.email):
            raise BookingRefused("They already have a place on that session.")
        old_session = locked.session_id
        locked.session = target
        locked.first_reminder_sent_at = locked.last_reminder_sent_at = None
        locked.save(update_fields=["session", "first_reminder_sent_at", "last_reminder_sent_at"])
        AccessNeeds.objects.filter(booking=locked).update(session=target)
        audit_log(
            action="training.booking.moved",
            actor=actor,
            target=locked,
            details={"from_session": old_session, "to_session": target.pk},
        )
        emails.queue("confirmed", booking=locked)
        offer_free_places(session_id=old_session)
    return locked


def attendance_mark(*, session: Session, marks: dict[int, str], actor: User) -> int:
    """Record attendance (present, late, left early, absent) for confirmed bookings."""
    with transaction.atomic():
        locked = locked_session(session.pk)
        if locked.status != SessionStatus.SCHEDULED:
            raise ValidationError("This session is closed; attendance can no longer change.")
        bookings = Booking.objects.select_for_update().filter(
            session=locked, status=BookingStatus.CONFIRMED, pk__in=list(marks)
        )
        changed = 0
        for booking in bookings:
            mark = marks[booking.pk]
            if mark not in Attendance.values and mark != "":
                raise ValidationError("Choose present, late, left early or absent.")
            if booking.attendance != mark:
                booking.attendance = mark
                booking.save(update_fields=["attendance"])
                changed += 1
        audit_log(
            action="training.attendance.marked",
            actor=actor,
            target=locked,
            details={"changed": changed},
        )
    return changed


def session_close(*, session: Session, actor: User, now: datetime | None = None) -> Session:
    """Close a session after it has run: no-shows are charged, certificates issued to those
    present (once they have evaluated, if the course asks), and attendees asked to evaluate."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = locked_session(session.pk)
        if locked.status != SessionStatus.SCHEDULED:
            raise ValidationError("This session is already closed.")
        if locked.starts_at > now:
            raise ValidationError("A session can be closed only once it has started.")
        confirmed = list(
            Booking.objects.select_for_update()
            .select_related("session__course")
            .filter(session=locked, status=BookingStatus.CONFIRMED)
        )
        unmarked = sum(1 for booking in confirmed if not booking.attendance)
        if unmarked:
            raise ValidationError(
                f"Mark attendance for everyone first: {unmarked} "
                f"{'person has' if unmarked == 1 else 'people have'} no mark."
            )
        locked.status = SessionStatus.CLOSED
        locked.closed_at = now
        locked.save(update_fields=["status", "closed_at"])
        charged = 0
        for booking in confirmed:
            booking.session = locked
            if booking.attendance == Attendance.ABSENT:
                if locked.course.no_show_charge > 0:
                    record_charge(booking, ChargeReason.NO_SHOW)
                    charged += 1
                continue
            if not certificate_issue_if_due(booking):
                emails.queue("evaluation_invite", booking=booking)
        audit_log(
            action="training.session.closed",
            actor=actor,
            target=locked,
            details={"bookings": len(confirmed), "no_show_charges": charged},
        )
    return locked


def attendance_csv(*, session: Session, actor: User) -> str:
    """The attendance list as CSV; each export is audited."""
    rows = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).order_by(
        "full_name", "pk"
    )
    output = io.StringIO()
    writer = SafeWriter(output)
    writer.writerow(["Name", "Organisation", "Organisation type", "Role", "Attendance"])
    count = 0
    for booking in rows:
        writer.writerow(
            [
                booking.full_name,
                booking.organisation,
                booking.get_organisation_type_display(),
                booking.role,
                booking.get_attendance_display() if booking.attendance else "",
            ]
        )
        count += 1
    audit_log(
        action="training.attendance.exported",
        actor=actor,
        target=session,
        details={"rows": count},
    )
    return output.getvalue()
