"""Changes made by the training coordinator and trainers: the programme (creating, changing,
publishing, cancelling), messages to a session, moving people between sessions, attendance,
closing a session, charges, and the audited exports."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core import dates
from safeguarding.core.spreadsheets import SafeWriter
from safeguarding.training import emails
from safeguarding.training.certificates import certificate_issue_if_due
from safeguarding.training.models import (
    ACTIVE_WAITING,
    HOLDING,
    AccessNeeds,
    Attendance,
    Booking,
    BookingStatus,
    Charge,
    ChargeReason,
    ChargeStatus,
    Course,
    Session,
    SessionMessage,
    SessionStatus,
    WaitingListEntry,
    WaitingStatus,
)
from safeguarding.training.selectors import places_left
from safeguarding.training.services import (
    BookingRefused,
    already_on,
    end_waiting,
    locked_session,
    offer_free_places,
    record_charge,
)

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


def course_create(*, actor: User, fields: dict[str, Any], prerequisites: Any = ()) -> Course:
    with transaction.atomic(durable=True):
        course = Course(**fields)
        course.full_clean()
        course.save()
        course.prerequisites.set(prerequisites)
        audit_log(action="training.course.created", actor=actor, target=course)
    return course


def session_create(*, actor: User, course: Course, fields: dict[str, Any]) -> Session:
    with transaction.atomic(durable=True):
        session = Session(course=course, **fields)
        if session.bookings_close_at is None:
            session.bookings_close_at = session.starts_at
        session.full_clean()
        session.save()
        audit_log(action="training.session.created", actor=actor, target=session)
    return session


def _when(moment: datetime) -> str:
    """A moment as GOV.UK writes it: "9:30am on 7 December 2026"."""
    return f"{dates.clock(moment)} on {dates.day(moment)}"


def course_update(
    *, course: Course, actor: User, fields: dict[str, Any], prerequisites: Any = ()
) -> Course:
    """Change a course. Existing bookings are unaffected; a change of publication is audited
    as publishing or unpublishing as well."""
    with transaction.atomic(durable=True):
        locked = Course.objects.select_for_update().get(pk=course.pk)
        was_published = locked.is_published
        changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.full_clean()
        locked.save()
        locked.prerequisites.set([p for p in prerequisites if p.pk != locked.pk])
        audit_log(
            action="training.course.changed",
            actor=actor,
            target=locked,
            details={"fields": changed},
        )
        if locked.is_published != was_published:
            _audit_publication(locked, actor)
    return locked


def course_set_published(*, course: Course, published: bool, actor: User) -> Course:
    """Put a course in the public catalogue or take it out. Unpublishing leaves its sessions
    and bookings as they are: people booked still go."""
    with transaction.atomic(durable=True):
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.is_published == published:
            raise ValidationError(
                "This course is already in the catalogue."
                if published
                else "This course is already out of the catalogue."
            )
        locked.is_published = published
        locked.save(update_fields=["is_published"])
        _audit_publication(locked, actor)
    return locked


def _audit_publication(course: Course, actor: User) -> None:
    action = "training.course.published" if course.is_published else "training.course.unpublished"
    audit_log(action=action, actor=actor, target=course)


# A change to any of these sends the event to calendars again, with a higher SEQUENCE.
CALENDAR_FIELDS = ("starts_at", "ends_at", "venue", "online")


def places_booked(session: Session) -> int:
    """Places held: bookings holding a place and open waiting-list offers."""
    return (
        Booking.objects.filter(session=session, status__in=HOLDING).count()
        + WaitingListEntry.objects.filter(session=session, status=WaitingStatus.OFFERED).count()
    )


def session_update(*, session: Session, actor: User, fields: dict[str, Any]) -> Session:
    """Change a scheduled session. The capacity may not go below the places booked. A new time
    or place is sent to everyone confirmed, with an updated calendar file; more places go to
    the waiting list."""
    with transaction.atomic(durable=True):
        locked = locked_session(session.pk)
        if locked.status != SessionStatus.SCHEDULED:
            raise ValidationError("Only a scheduled session can be changed.")
        booked = places_booked(locked)
        capacity = fields.get("capacity", locked.capacity)
        if capacity is not None and capacity < booked:
            places = "is 1 place" if booked == 1 else f"are {booked} places"
            raise ValidationError(
                {"capacity": f"There {places} booked: the capacity cannot be lower than that"}
            )
        changed = sorted(name for name, value in fields.items() if getattr(locked, name) != value)
        for name, value in fields.items():
            setattr(locked, name, value)
        if locked.bookings_close_at is None:
            locked.bookings_close_at = locked.starts_at
        moved = any(name in CALENDAR_FIELDS for name in changed)
        if moved:
            locked.calendar_sequence += 1
        locked.full_clean()
        locked.save()
        audit_log(
            action="training.session.changed",
            actor=actor,
            target=locked,
            details={"fields": changed},
        )
        if moved:
            for booking in Booking.objects.filter(
                session=locked, status=BookingStatus.CONFIRMED
            ).order_by("pk"):
                emails.queue("session_changed", booking=booking)
        offer_free_places(session_id=locked.pk)
    return locked


def session_cancel(
    *, session: Session, actor: User, message: str, now: datetime | None = None
) -> SessionMessage:
    """Cancel a session that has not started. Every booking is cancelled by the partnership
    (no charge) and every waiting-list place ends; each person gets one email with the
    coordinator's message, and each booking a calendar CANCEL for its event."""
    now = now or timezone.now()
    message = message.strip()
    if not message:
        raise ValidationError({"message": "Enter a message to the people booked and waiting"})
    with transaction.atomic(durable=True):
        locked = locked_session(session.pk)
        if locked.status != SessionStatus.SCHEDULED:
            raise ValidationError("This session is already closed or cancelled.")
        if locked.starts_at <= now:
            raise ValidationError("This session has started, so it cannot be cancelled.")
        locked.status = SessionStatus.CANCELLED
        locked.cancelled_at = now
        locked.calendar_sequence += 1
        locked.save(update_fields=["status", "cancelled_at", "calendar_sequence"])
        note = SessionMessage.objects.create(
            session=locked,
            subject=f"Cancelled: {locked.course.title}",
            body=message,
            is_cancellation=True,
            sent_by=actor,
            sent_at=now,
        )
        bookings = list(
            Booking.objects.select_for_update()
            .filter(session=locked, status__in=HOLDING)
            .order_by("pk")
        )
        for booking in bookings:
            booking.status = BookingStatus.CANCELLED
            booking.cancelled_at = now
            booking.cancelled_by_partnership = True
            booking.save(update_fields=["status", "cancelled_at", "cancelled_by_partnership"])
            emails.queue("session_cancelled", booking=booking, message=note)
        waiting = list(
            WaitingListEntry.objects.select_for_update()
            .filter(session=locked, status__in=ACTIVE_WAITING)
            .order_by("pk")
        )
        for entry in waiting:
            end_waiting(entry, WaitingStatus.SESSION_CANCELLED, now=now, email=None, actor=actor)
            emails.queue("session_cancelled", entry=entry, message=note)
        note.recipients = len(bookings) + len(waiting)
        note.save(update_fields=["recipients"])
        audit_log(
            action="training.session.cancelled",
            actor=actor,
            target=locked,
            details={"bookings": len(bookings), "waiting": len(waiting), "message": note.pk},
        )
    return note


def session_message(
    *, session: Session, actor: User, subject: str, body: str, include_waiting: bool = False
) -> SessionMessage:
    """Email everyone holding a place (and, if asked, everyone waiting): one email each,
    sent by the worker."""
    with transaction.atomic(durable=True):
        locked = locked_session(session.pk)
        if locked.status == SessionStatus.CANCELLED:
            raise ValidationError("This session is cancelled: there is nobody to message.")
        bookings = list(
            Booking.objects.filter(session=locked, status__in=HOLDING).values_list("pk", flat=True)
        )
        entries: list[int] = []
        if include_waiting:
            entries = list(
                WaitingListEntry.objects.filter(
                    session=locked, status__in=ACTIVE_WAITING
                ).values_list("pk", flat=True)
            )
        if not bookings and not entries:
            raise ValidationError("Nobody is booked on this session yet, so nobody was sent it.")
        note = SessionMessage.objects.create(
            session=locked,
            subject=subject.strip(),
            body=body.strip(),
            sent_by=actor,
            recipients=len(bookings) + len(entries),
        )
        for booking_id in bookings:
            emails.queue("session_message", booking=Booking(pk=booking_id), message=note)
        for entry_id in entries:
            emails.queue("session_message", entry=WaitingListEntry(pk=entry_id), message=note)
        audit_log(
            action="training.session.messaged",
            actor=actor,
            target=locked,
            details={"message": note.pk, "recipients": note.recipients},
        )
    return note


def booking_move(*, booking: Booking, to_session: Session, actor: User) -> Booking:
    """Move a booked person to another session of any course with a free place. Both
    sessions are locked, in id order so two moves cannot deadlock."""
    if booking.session_id == to_session.pk:
        raise BookingRefused("They are already booked on that session.")
    with transaction.atomic(durable=True):
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


def attendance_mark(
    *, session: Session, marks: dict[int, str], actor: User, now: datetime | None = None
) -> int:
    """Record attendance (present, late, left early, absent) for confirmed bookings, once the
    session has started."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        locked = locked_session(session.pk)
        if locked.status != SessionStatus.SCHEDULED:
            raise ValidationError("This session is closed; attendance can no longer change.")
        if locked.starts_at > now:
            raise ValidationError(
                "Attendance can be marked once the session has started, "
                f"at {_when(locked.starts_at)}."
            )
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
    with transaction.atomic(durable=True):
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


# --- Charges ---------------------------------------------------------------------------------


def charge_decide(*, charge: Charge, status: str, reason: str, actor: User) -> Charge:
    """Mark a charge invoiced (with the invoice reference, say) or waived (with why)."""
    reason = reason.strip()
    if status not in (ChargeStatus.INVOICED, ChargeStatus.WAIVED):
        raise ValidationError({"status": "Choose invoiced or waived"})
    if not reason:
        raise ValidationError(
            {
                "reason": "Enter the invoice reference"
                if status == ChargeStatus.INVOICED
                else "Enter why the charge is waived"
            }
        )
    with transaction.atomic(durable=True):
        locked = Charge.objects.select_for_update().get(pk=charge.pk)
        locked.status = status
        locked.decision_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decision_reason", "decided_at", "decided_by"])
        audit_log(
            action=f"training.charge.{status}",
            actor=actor,
            target=locked,
            reason=reason,
            details={"booking": locked.booking_id},
        )
    return locked


def charges_csv(*, charges: Any, actor: User) -> str:
    """The charges listed, for invoicing; each export is audited."""
    header = [
        "Organisation",
        "Name",
        "Course",
        "Session date",
        "Reason",
        "Amount (£)",
        "Charged on",
        "Status",
        "Invoice reference or reason",
    ]
    rows = (
        [
            charge.organisation,
            charge.booking.full_name,
            charge.booking.session.course.title,
            _day(charge.booking.session.starts_at),
            charge.get_reason_display(),
            f"{charge.amount:.2f}",
            _day(charge.created_at),
            charge.get_status_display(),
            charge.decision_reason,
        ]
        for charge in charges
    )
    return _audited_csv(header, rows, action="training.charge.exported", actor=actor)


# --- Reports ---------------------------------------------------------------------------------


def _day(moment: datetime) -> str:
    return dates.day(moment)


def _date(day: date | None) -> str:
    return dates.day(day)


def _audited_csv(header: list[str], rows: Iterable[list[Any]], *, action: str, actor: User) -> str:
    """A CSV export (every cell quoted, formulas neutralised by SafeWriter), audited with how
    many rows it held."""
    output = io.StringIO()
    writer = SafeWriter(output)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    audit_log(action=action, actor=actor, details={"rows": count})
    return output.getvalue()


def records_csv(*, rows: Any, actor: User) -> str:
    """Training records (from ``selectors.training_records``); each export is audited."""
    header = [
        "Name",
        "Email",
        "Organisation",
        "Course",
        "Session date",
        "Attendance",
        "Certificate code",
        "Certificate valid until",
    ]

    def line(booking: Any) -> list[Any]:
        certificate = getattr(booking, "certificate", None)
        return [
            booking.full_name,
            booking.email,
            booking.organisation,
            booking.session.course.title,
            _day(booking.session.starts_at),
            booking.get_attendance_display() if booking.attendance else "Not marked",
            certificate.code if certificate else "",
            _date(certificate.expires_on if certificate else None),
        ]

    return _audited_csv(
        header, (line(booking) for booking in rows), action="training.records.exported", actor=actor
    )


def refreshers_csv(*, rows: Any, actor: User) -> str:
    """Who is due a refresher (from ``selectors.refreshers_due``); audited."""
    header = ["Name", "Email", "Organisation", "Course", "Last attended", "Certificate valid until"]
    lines = (
        [
            row.booking.full_name,
            row.booking.email,
            row.booking.organisation,
            row.booking.session.course.title,
            _day(row.booking.session.starts_at),
            _date(row.certificate.expires_on),
        ]
        for row in rows
    )
    return _audited_csv(header, lines, action="training.refreshers.exported", actor=actor)
