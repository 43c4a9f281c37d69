"""Bookings, the waiting list, cancellation and transfer. One transaction and one audit entry
per change; emails go after commit.

Every change that can take or free a place locks the session row first
(``select_for_update``; SQLite serialises writers anyway), then counts and writes. That one
lock is what makes 50 simultaneous requests for 5 places give exactly 5 bookings, and what
stops a cancellation and an offer being accepted at once from giving a place to two people.

Audit details hold ids and statuses only, never a name or an email address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core.addresses import normalise_email
from safeguarding.core.corrections import correct_text_field
from safeguarding.training import emails
from safeguarding.training.models import (
    ACTIVE_WAITING,
    ATTENDED,
    HOLDING,
    AccessNeeds,
    Booking,
    BookingStatus,
    Charge,
    ChargeReason,
    Session,
    WaitingListEntry,
    WaitingStatus,
)
from safeguarding.training.selectors import cancellation_cutoff, places_left

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


class BookingRefused(ValidationError):
    """The booking cannot be made; the message is safe to show to the person booking."""


@dataclass(frozen=True)
class Applicant:
    full_name: str
    email: str
    organisation: str
    organisation_type: str
    role: str
    manager_email: str = ""
    access_needs: str = ""

    def normalised(self) -> Applicant:
        return Applicant(
            full_name=self.full_name.strip(),
            email=normalise_email(self.email),
            organisation=self.organisation.strip(),
            organisation_type=self.organisation_type,
            role=self.role.strip(),
            manager_email=normalise_email(self.manager_email) if self.manager_email else "",
            access_needs=self.access_needs.strip(),
        )


# Who the person is, as a booking and a waiting place both hold it (and an Applicant gives it).
PERSON_FIELDS = ("full_name", "email", "organisation", "organisation_type", "role", "manager_email")


def locked_session(session_id: int) -> Session:
    return Session.objects.select_for_update().select_related("course").get(pk=session_id)


def already_on(session: Session, email: str) -> bool:
    """Whether this email holds a place or an active waiting place on the session: one
    query (it runs under the session's lock)."""
    booked = Booking.objects.filter(session=session, email=email, status__in=HOLDING)
    waiting = WaitingListEntry.objects.filter(
        session=session, email=email, status__in=ACTIVE_WAITING
    )
    return booked.values("pk").union(waiting.values("pk")).exists()


@dataclass(frozen=True)
class _BookingStatements:
    lock: str
    check: str


@cache
def _booking_statements() -> _BookingStatements:
    """The two statements a booking runs under the session's lock, built once from the models
    (building them with the ORM for each request cost more than running them, and the
    requests queued behind the lock wait for that too). Every name comes from the models."""
    quote = connection.ops.quote_name

    def column(model: type[Session | Booking | WaitingListEntry], name: str) -> str:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)  # noqa: S101  (a column, not a relation's far side)
        return quote(field.column)

    session = quote(Session._meta.db_table)
    columns = ", ".join(
        column(Session, name) for name in ("id", "status", "bookings_close_at", "capacity")
    )
    lock = f"SELECT {columns} FROM {session} WHERE {column(Session, 'id')} = %s"  # noqa: S608  (names from the models)
    if connection.features.has_select_for_update:
        lock += " FOR UPDATE"

    def rows(model: type[Booking | WaitingListEntry], statuses: int, *, email: bool) -> str:
        table = quote(model._meta.db_table)
        where = f"{column(model, 'session')} = %s AND {column(model, 'status')} IN ("
        where += ", ".join(["%s"] * statuses) + ")"
        if email:
            where += f" AND {column(model, 'email')} = %s"
        return f"FROM {table} WHERE {where}"

    # A statement of its own, after the lock: on PostgreSQL a statement sees the rows
    # committed when it began, so counts taken in the locking statement itself could be from
    # before the previous holder of the lock committed.
    check = (
        f"SELECT (SELECT COUNT(*) {rows(Booking, len(HOLDING), email=False)}), "
        f"(SELECT COUNT(*) {rows(WaitingListEntry, 1, email=False)}), "
        f"EXISTS (SELECT 1 {rows(Booking, len(HOLDING), email=True)}) "
        f"OR EXISTS (SELECT 1 {rows(WaitingListEntry, len(ACTIVE_WAITING), email=True)})"
    )
    return _BookingStatements(lock=lock, check=check)


def _lock_for_booking(session_id: int) -> Session:
    """Lock the session's row and read what may have changed since the page loaded it (its
    status, booking cut-off and capacity); the other fields are left deferred."""
    locked = next(iter(Session.objects.raw(_booking_statements().lock, [session_id])), None)
    if locked is None:
        raise Session.DoesNotExist(f"Session {session_id} does not exist")
    return locked


def _places_and_holder(session: Session, email: str) -> tuple[int, bool]:
    """Under the session's lock, one statement: (free places, whether ``email`` already holds
    a place or an active waiting place). Open offers hold their places, as in
    ``selectors.places_left``."""
    params: list[int | str] = [
        *(session.pk, *HOLDING),
        *(session.pk, WaitingStatus.OFFERED),
        *(session.pk, *HOLDING, email),
        *(session.pk, *ACTIVE_WAITING, email),
    ]
    with connection.cursor() as cursor:
        cursor.execute(_booking_statements().check, params)
        booked, offered, holder = cursor.fetchone()
    return max(session.capacity - booked - offered, 0), bool(holder)


def _check_eligible(session: Session, applicant: Applicant) -> None:
    course = session.course
    if not course.is_open_to(applicant.organisation_type):
        raise BookingRefused("This course is not open to people from your type of organisation.")
    if course.needs_manager_approval and not applicant.manager_email:
        raise BookingRefused("This course needs your manager's approval: enter their email.")
    if course.needs_manager_approval and applicant.manager_email == applicant.email:
        raise BookingRefused("Enter your manager's email address, not your own.")
    missing = [
        prerequisite.title
        for prerequisite in course.prerequisites.all()
        if not Booking.objects.filter(
            email=applicant.email,
            session__course=prerequisite,
            status=BookingStatus.CONFIRMED,
            attendance__in=ATTENDED,
        ).exists()
    ]
    if missing:
        raise BookingRefused(
            "You need to have attended " + ", ".join(missing) + " before booking this course."
        )


def booking_request(
    *, session: Session, applicant: Applicant, actor: User | None = None
) -> Booking | WaitingListEntry:
    """Book a place, or join the waiting list when the session is full.

    Refused (BookingRefused, nothing changed) after the booking cut-off, for a second booking
    with the same email on the same session, or when the course's rules are not met.
    ``session``: as the page loaded it, with its course (what can change is read again under
    its lock). ``actor``: the coordinator booking on the person's behalf (the same rules
    apply).
    """
    applicant = applicant.normalised()
    # Fifty people may ask at once for the last places, and they queue for the session's
    # lock: what does not depend on who holds the places is done before taking it. The
    # course's rules; the place and the waiting place, each built and validated (the
    # one-place rule is checked under the lock, and the database enforces the constraints).
    _check_eligible(session, applicant)
    person = {name: getattr(applicant, name) for name in PERSON_FIELDS}
    place = _unsaved_booking(session, validate_constraints=False, **person)
    waiting = WaitingListEntry(session=session, **person)
    waiting.full_clean(exclude=["session"], validate_constraints=False)
    with transaction.atomic(durable=True):
        locked = _lock_for_booking(session.pk)
        if not locked.accepts_bookings():
            raise BookingRefused("Bookings for this session have closed.")
        free, holder = _places_and_holder(locked, applicant.email)
        if holder:
            raise BookingRefused(
                "This email address already has a place or a waiting-list place on this "
                "session. Use the link in your confirmation email to manage it."
            )
        # Stamped under the lock, so the waiting list's order (joined_at, then id) is the
        # order in which the lock was granted, as the ids are.
        now = timezone.now()
        record: Booking | WaitingListEntry
        if free > 0:
            place.created_at = now
            record = _book(place, actor=actor)
        else:
            record = waiting
            record.joined_at = now
            record.save()
            audit_log(
                action="training.waiting_list.joined",
                actor=actor,
                target=record,
                details={"session": session.pk},
            )
            emails.queue("waiting_list_joined", entry=record)
        if applicant.access_needs:
            AccessNeeds.objects.create(
                session=session,
                booking=record if isinstance(record, Booking) else None,
                waiting_entry=record if isinstance(record, WaitingListEntry) else None,
                details=applicant.access_needs,
            )
    return record


def _unsaved_booking(session: Session, *, validate_constraints: bool, **fields: str) -> Booking:
    """A booking, validated, not yet saved: confirmed, or awaiting the manager's approval
    where the course needs it. ``validate_constraints``: False where the caller checks the
    one-place rule under the session's lock (the database enforces the constraints too)."""
    needs_approval = session.course.needs_manager_approval
    booking = Booking(
        session=session,
        **fields,
        status=BookingStatus.AWAITING_APPROVAL if needs_approval else BookingStatus.CONFIRMED,
    )
    booking.full_clean(exclude=["session"], validate_constraints=validate_constraints)
    return booking


def _book(booking: Booking, *, actor: User | None = None) -> Booking:
    """Save a booking for a place already known to be free (the session is locked), audit
    it and queue its emails."""
    booking.save()
    audit_log(
        action="training.booking.created",
        actor=actor,
        target=booking,
        details={"session": booking.session_id, "status": booking.status},
    )
    if booking.status == BookingStatus.AWAITING_APPROVAL:
        emails.queue("approval_request", booking=booking, to_manager=True)
        emails.queue("awaiting_approval", booking=booking)
    else:
        emails.queue("confirmed", booking=booking)
    return booking


class AlreadyDecided(ValidationError):
    pass


def booking_decide(*, booking_id: int, approve: bool) -> Booking:
    """The manager answered the approval email. A second answer is refused."""
    with transaction.atomic(durable=True):
        session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
        locked_session(session_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status != BookingStatus.AWAITING_APPROVAL:
            raise AlreadyDecided("This request has already been answered. Nothing was changed.")
        booking.status = BookingStatus.CONFIRMED if approve else BookingStatus.DECLINED
        booking.decided_at = timezone.now()
        booking.save(update_fields=["status", "decided_at"])
        audit_log(
            action="training.booking.approved" if approve else "training.booking.declined",
            actor=None,
            target=booking,
            details={"session": session_id},
        )
        emails.queue("confirmed" if approve else "declined", booking=booking)
        if not approve:
            offer_free_places(session_id=session_id)
    return booking


def booking_approve_by_staff(*, booking: Booking, actor: User) -> Booking:
    """A coordinator approves on the manager's behalf (for example after a phone call)."""
    with transaction.atomic(durable=True):
        locked_session(booking.session_id)
        locked = Booking.objects.select_for_update().get(pk=booking.pk)
        if locked.status != BookingStatus.AWAITING_APPROVAL:
            raise AlreadyDecided("This booking is not waiting for approval.")
        locked.status = BookingStatus.CONFIRMED
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        audit_log(action="training.booking.approved", actor=actor, target=locked)
        emails.queue("confirmed", booking=locked)
    return locked


# --- Cancellation and transfer -------------------------------------------------------------


def booking_cancel(*, booking_id: int, now: datetime | None = None) -> Booking:
    """The learner gives up their place. After the cut-off the course's late-cancellation
    charge is recorded against their organisation. The place is offered to the waiting list."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
        session = locked_session(session_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status not in HOLDING:
            raise BookingRefused("This booking is already cancelled.")
        if now >= session.starts_at:
            raise BookingRefused("The session has started, so the booking cannot be cancelled.")
        late = now >= cancellation_cutoff(session) and booking.status == BookingStatus.CONFIRMED
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        charge = None
        if late and session.course.late_cancellation_charge > 0:
            charge = record_charge(booking, ChargeReason.LATE_CANCELLATION)
        audit_log(
            action="training.booking.cancelled",
            actor=None,
            target=booking,
            details={"session": session.pk, "late": late, "charged": charge is not None},
        )
        emails.queue("cancelled", booking=booking)
        offer_free_places(session_id=session.pk, now=now)
    return booking


def record_charge(booking: Booking, reason: ChargeReason) -> Charge:
    course = booking.session.course
    amount: Decimal = (
        course.late_cancellation_charge
        if reason == ChargeReason.LATE_CANCELLATION
        else course.no_show_charge
    )
    return Charge.objects.create(
        booking=booking, organisation=booking.organisation, reason=reason, amount=amount
    )


def booking_transfer(*, booking_id: int, colleague: Applicant) -> Booking:
    """Give the place to a colleague: same booking, their details; the sender's access needs
    go (they were about the sender)."""
    colleague = colleague.normalised()
    with transaction.atomic(durable=True):
        session_id = Booking.objects.values_list("session_id", flat=True).get(pk=booking_id)
        session = locked_session(session_id)
        booking = Booking.objects.select_for_update().get(pk=booking_id)
        if booking.status not in HOLDING:
            raise BookingRefused("Only a current booking can be transferred.")
        if timezone.now() >= session.starts_at:
            raise BookingRefused("The session has started, so the place cannot be transferred.")
        if already_on(session, colleague.email):
            raise BookingRefused("Your colleague already has a place on this session.")
        _check_eligible(session, colleague)
        AccessNeeds.objects.filter(booking=booking).delete()
        for name in ("full_name", "email", "organisation", "organisation_type", "role"):
            setattr(booking, name, getattr(colleague, name))
        if colleague.manager_email:
            booking.manager_email = colleague.manager_email
        booking.first_reminder_sent_at = booking.last_reminder_sent_at = None
        booking.full_clean(exclude=["session"], validate_constraints=False)
        booking.save()
        if colleague.access_needs:
            AccessNeeds.objects.create(
                session=session, booking=booking, details=colleague.access_needs
            )
        audit_log(
            action="training.booking.transferred",
            actor=None,
            target=booking,
            details={"session": session.pk},
        )
        emails.queue("confirmed", booking=booking)
    return booking


# --- The waiting list ------------------------------------------------------------------------


def offer_expiry(session: Session, now: datetime) -> datetime:
    return min(now + timedelta(hours=settings.TRAINING_OFFER_HOURS), session.bookings_close_at)


def offer_free_places(*, session_id: int, now: datetime | None = None) -> list[WaitingListEntry]:
    """Offer each free place to the next person waiting (first come, first served). Offers
    stop at the booking cut-off. Call inside a transaction that has locked the session."""
    now = now or timezone.now()
    session = locked_session(session_id)
    offered: list[WaitingListEntry] = []
    if not session.accepts_bookings(now):
        return offered
    free = places_left(session)
    waiting = WaitingListEntry.objects.select_for_update().filter(
        session=session, status=WaitingStatus.WAITING
    )
    for entry in waiting.order_by("joined_at", "pk")[:free]:
        entry.status = WaitingStatus.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = offer_expiry(session, now)
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        audit_log(
            action="training.waiting_list.offered",
            actor=None,
            target=entry,
            details={"session": session.pk, "expires_at": entry.offer_expires_at.isoformat()},
        )
        emails.queue("offer", entry=entry)
        offered.append(entry)
    return offered


def offer_accept(*, entry_id: int, now: datetime | None = None) -> Booking:
    """Take an offered place. Refused once the offer has expired or been answered."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        session_id = WaitingListEntry.objects.values_list("session_id", flat=True).get(pk=entry_id)
        session = locked_session(session_id)
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry_id)
        if entry.status != WaitingStatus.OFFERED:
            raise BookingRefused("This offer is no longer open. Nothing was changed.")
        assert entry.offer_expires_at is not None  # noqa: S101  (set with the status)
        if now >= entry.offer_expires_at:
            raise BookingRefused("This offer has expired. Nothing was changed.")
        # The offer held the place: release it from the count, then book it.
        entry.status = WaitingStatus.ACCEPTED
        entry.resolved_at = now
        entry.save(update_fields=["status", "resolved_at"])
        if places_left(session) < 1:  # cannot happen while every change locks the session
            raise BookingRefused("Sorry, this place has already been taken.")
        person = {name: getattr(entry, name) for name in PERSON_FIELDS}
        booking = _book(_unsaved_booking(session, validate_constraints=True, **person))
        entry.booking = booking
        entry.save(update_fields=["booking"])
        AccessNeeds.objects.filter(waiting_entry=entry).update(booking=booking, waiting_entry=None)
        audit_log(
            action="training.waiting_list.accepted",
            actor=None,
            target=entry,
            details={"session": session.pk, "booking": booking.pk},
        )
    return booking


def waiting_leave(*, entry_id: int) -> WaitingListEntry:
    """Leave the waiting list (or turn down an offer, which passes it on)."""
    with transaction.atomic(durable=True):
        session_id = WaitingListEntry.objects.values_list("session_id", flat=True).get(pk=entry_id)
        locked_session(session_id)
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry_id)
        if entry.status not in ACTIVE_WAITING:
            raise BookingRefused("You are no longer on this waiting list.")
        had_offer = entry.status == WaitingStatus.OFFERED
        end_waiting(entry, WaitingStatus.LEFT, now=timezone.now(), email=None)
        if had_offer:
            offer_free_places(session_id=session_id)
    return entry


def waiting_remove(*, entry_id: int, reason: str, actor: User) -> WaitingListEntry:
    """The coordinator takes someone off a waiting list, saying why (kept on the entry, not
    in the audit). An open offer they held passes to the next person."""
    reason = reason.strip()
    if not reason:
        raise BookingRefused("Enter why you are removing them from the waiting list")
    with transaction.atomic(durable=True):
        session_id = WaitingListEntry.objects.values_list("session_id", flat=True).get(pk=entry_id)
        locked_session(session_id)
        entry = WaitingListEntry.objects.select_for_update().get(pk=entry_id)
        if entry.status not in ACTIVE_WAITING:
            raise BookingRefused("They are no longer on this waiting list. Nothing was changed.")
        had_offer = entry.status == WaitingStatus.OFFERED
        entry.removal_reason = reason
        entry.save(update_fields=["removal_reason"])
        end_waiting(
            entry,
            WaitingStatus.REMOVED,
            now=timezone.now(),
            email="waiting_list_removed",
            actor=actor,
            reason=reason,
        )
        if had_offer:
            offer_free_places(session_id=session_id)
    return entry


def expire_offers(*, now: datetime | None = None) -> int:
    """Pass each unanswered offer on to the next person; close waiting lists at the cut-off.
    Run by a periodic job; each session in its own transaction."""
    now = now or timezone.now()
    session_ids = set(
        WaitingListEntry.objects.filter(
            status=WaitingStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("session_id", flat=True)
    ) | set(
        WaitingListEntry.objects.filter(
            status__in=ACTIVE_WAITING, session__bookings_close_at__lte=now
        ).values_list("session_id", flat=True)
    )
    expired = 0
    for session_id in sorted(session_ids):
        with transaction.atomic(durable=True):
            session = locked_session(session_id)
            for entry in WaitingListEntry.objects.select_for_update().filter(
                session=session, status=WaitingStatus.OFFERED, offer_expires_at__lte=now
            ):
                end_waiting(entry, WaitingStatus.EXPIRED, now=now, email="offer_expired")
                expired += 1
            if session.accepts_bookings(now):
                offer_free_places(session_id=session.pk, now=now)
            else:
                _close_waiting_list(session, now)
    return expired


def _close_waiting_list(session: Session, now: datetime) -> None:
    for entry in WaitingListEntry.objects.select_for_update().filter(
        session=session, status=WaitingStatus.WAITING
    ):
        end_waiting(entry, WaitingStatus.CLOSED, now=now, email="waiting_list_closed")


def end_waiting(
    entry: WaitingListEntry,
    status: WaitingStatus,
    *,
    now: datetime,
    email: str | None,
    actor: User | None = None,
    reason: str = "",
) -> None:
    """Take someone off the waiting list (the session is locked): their access needs go."""
    had_offer = entry.status == WaitingStatus.OFFERED
    entry.status = status
    entry.resolved_at = now
    entry.save(update_fields=["status", "resolved_at"])
    AccessNeeds.objects.filter(waiting_entry=entry).delete()
    audit_log(
        action=f"training.waiting_list.{_ENDED_ACTION[status]}",
        actor=actor,
        reason=reason,
        target=entry,
        details={"session": entry.session_id, "had_offer": had_offer},
    )
    if email:
        emails.queue(email, entry=entry)


_ENDED_ACTION = {
    WaitingStatus.EXPIRED: "offer_expired",
    WaitingStatus.CLOSED: "closed",
    WaitingStatus.LEFT: "left",
    WaitingStatus.REMOVED: "removed",
    WaitingStatus.SESSION_CANCELLED: "session_cancelled",
}


# What a rectification request may correct on a booking, in plain words.
BOOKING_CORRECTIONS = {
    "full_name": "Full name",
    "organisation": "Organisation",
    "role": "Job title",
}


@transaction.atomic
def booking_correct(*, booking: Booking, field_name: str, value: str, actor: User) -> None:
    """Correct the name, organisation or job title on a booking (a rectification request)."""
    correct_text_field(booking, field_name, value, label=BOOKING_CORRECTIONS[field_name])
    audit_log(
        action="training.booking.corrected",
        actor=actor,
        target=booking,
        details={"field": field_name},
    )
