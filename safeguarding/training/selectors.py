"""Reads for the catalogue, learners and staff. Each list is a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import user_has_role
from safeguarding.core.working_days import working_days_before
from safeguarding.training.links import Learner
from safeguarding.training.models import (
    ACTIVE_WAITING,
    HOLDING,
    Attendance,
    Booking,
    BookingStatus,
    Certificate,
    Charge,
    Course,
    Evaluation,
    Session,
    SessionStatus,
    WaitingListEntry,
    WaitingStatus,
)


def _count(model: Any, **filters: Any) -> Coalesce:
    rows = (
        model.objects.filter(session=OuterRef("pk"), **filters)
        .order_by()
        .values("session")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_places(sessions: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate ``places_taken`` (bookings holding a place plus open offers) and ``waiting``."""
    return sessions.annotate(
        booked=_count(Booking, status__in=HOLDING),
        offered=_count(WaitingListEntry, status=WaitingStatus.OFFERED),
        waiting=_count(WaitingListEntry, status__in=ACTIVE_WAITING),
    )


def attach_places(sessions: Iterable[Session]) -> None:
    """Set ``booked``, ``offered`` and ``waiting`` on already-loaded sessions with two grouped
    queries (cheaper to build than ``with_places``' subqueries for a page of sessions)."""
    by_id = {session.pk: session for session in sessions}
    for session in by_id.values():
        session.booked = session.offered = session.waiting = 0  # type: ignore[attr-defined]
    booked = (
        Booking.objects.filter(session__in=list(by_id), status__in=HOLDING)
        .values_list("session")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for session_id, count in booked:
        by_id[session_id].booked = count  # type: ignore[attr-defined]
    waiting = (
        WaitingListEntry.objects.filter(session__in=list(by_id), status__in=ACTIVE_WAITING)
        .values_list("session", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for session_id, status, count in waiting:
        session = by_id[session_id]
        session.waiting += count  # type: ignore[attr-defined]
        if status == WaitingStatus.OFFERED:
            session.offered = count  # type: ignore[attr-defined]


def places_left(session: Session) -> int:
    booked = Booking.objects.filter(session=session, status__in=HOLDING).count()
    offered = WaitingListEntry.objects.filter(session=session, status=WaitingStatus.OFFERED).count()
    return max(session.capacity - booked - offered, 0)


@dataclass(frozen=True)
class CatalogueFilters:
    search: str = ""
    audience: str = ""
    level: str = ""
    format: str = ""
    topic: str = ""
    from_date: date | None = None


def upcoming_sessions(now: datetime | None = None) -> QuerySet[Session]:
    """Scheduled sessions yet to start; give them places with ``attach_places``."""
    now = now or timezone.now()
    return Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gt=now).order_by(
        "starts_at", "pk"
    )


def catalogue(filters: CatalogueFilters) -> QuerySet[Course]:
    """Published courses matching the filters, each with its upcoming sessions prefetched
    (``attach_places`` then adds places): a fixed number of queries per page, whatever the
    number of courses."""
    courses = Course.objects.filter(is_published=True)
    if filters.search:
        courses = courses.filter(
            Q(title__icontains=filters.search) | Q(summary__icontains=filters.search)
        )
    for name in ("audience", "level", "format", "topic"):
        value = getattr(filters, name)
        if value:
            courses = courses.filter(**{name: value})
    sessions = upcoming_sessions()
    if filters.from_date:
        start = timezone.make_aware(datetime.combine(filters.from_date, time.min))
        sessions = sessions.filter(starts_at__gte=start)
        courses = courses.filter(
            sessions__status=SessionStatus.SCHEDULED, sessions__starts_at__gte=start
        ).distinct()
    return courses.order_by("title", "pk").prefetch_related(
        Prefetch("sessions", queryset=sessions, to_attr="upcoming")
    )


def published_course(pk: int) -> Course | None:
    course = (
        Course.objects.filter(is_published=True, pk=pk)
        .prefetch_related(
            "prerequisites",
            Prefetch("sessions", queryset=upcoming_sessions(), to_attr="upcoming"),
        )
        .first()
    )
    if course is not None:
        attach_places(getattr(course, "upcoming", []))
    return course


def bookable_session(pk: int, *, places: bool = True) -> Session | None:
    """A session of a published course, with its course; ``places``: with its places counted
    too (``attach_places`` adds them later to one loaded without)."""
    sessions = Session.objects.filter(pk=pk, course__is_published=True).select_related("course")
    return (with_places(sessions) if places else sessions).first()


# --- Learners ------------------------------------------------------------------------------


@dataclass
class MyTraining:
    bookings: list[Booking]
    waiting: list[WaitingListEntry]


def my_training(learner: Learner, *, email: str) -> MyTraining:
    """Everything held for ``email``, if the learner's link stands for it."""
    if not learner.owns(email):
        return MyTraining([], [])
    bookings = list(
        Booking.objects.filter(email=email)
        .select_related("session__course", "certificate")
        .prefetch_related("evaluations")
        .order_by("-session__starts_at")
    )
    waiting = list(
        WaitingListEntry.objects.filter(email=email, status__in=ACTIVE_WAITING)
        .select_related("session__course")
        .order_by("session__starts_at")
    )
    return MyTraining(bookings, waiting)


def learner_email(learner: Learner) -> str | None:
    """The email address a learner link stands for, or None if its record has gone or now
    belongs to someone else (a transferred place)."""
    emails: list[str] = []
    if learner.booking_id is not None:
        emails += Booking.objects.filter(pk=learner.booking_id).values_list("email", flat=True)
    if learner.entry_id is not None:
        emails += WaitingListEntry.objects.filter(pk=learner.entry_id).values_list(
            "email", flat=True
        )
    return next((email for email in emails if learner.owns(email)), None)


def latest_record_for(email: str) -> tuple[int | None, int | None]:
    """(booking id, waiting entry id) of the newest record for ``email``, to make a link."""
    booking = Booking.objects.filter(email=email).order_by("-pk").values_list("pk", flat=True)
    entry = (
        WaitingListEntry.objects.filter(email=email).order_by("-pk").values_list("pk", flat=True)
    )
    return booking.first(), entry.first()


def learner_booking(learner: Learner, booking_id: int) -> Booking | None:
    booking = (
        Booking.objects.filter(pk=booking_id)
        .select_related("session__course", "certificate")
        .first()
    )
    if booking is None or not learner.owns(booking.email):
        return None
    return booking


def learner_waiting_entry(learner: Learner, entry_id: int) -> WaitingListEntry | None:
    entry = WaitingListEntry.objects.filter(pk=entry_id).select_related("session__course").first()
    if entry is None or not learner.owns(entry.email):
        return None
    return entry


# --- Staff ---------------------------------------------------------------------------------


def is_coordinator(user: User) -> bool:
    return user_has_role(user, Role.TRAINING_COORDINATOR)


def session_for_staff(user: User, pk: int) -> Session | None:
    """A session its coordinator or its trainer may see; None for anyone else."""
    session = with_places(Session.objects.filter(pk=pk)).select_related("course").first()
    if session is None:
        return None
    if is_coordinator(user) or session.trainer_id == user.pk:
        return session
    return None


def staff_sessions(user: User) -> QuerySet[Session]:
    sessions = with_places(Session.objects.select_related("course", "trainer"))
    if not is_coordinator(user):
        sessions = sessions.filter(trainer=user)
    return sessions.order_by("-starts_at")


def session_bookings(session: Session) -> list[Booking]:
    return list(
        Booking.objects.filter(session=session)
        .select_related("access_needs", "certificate")
        .order_by("status", "full_name", "pk")
    )


def session_waiting_list(session: Session) -> list[WaitingListEntry]:
    return list(
        WaitingListEntry.objects.filter(session=session, status__in=ACTIVE_WAITING)
        .select_related("access_needs")
        .order_by("joined_at", "pk")
    )


def repeated_no_shows(*, at_least: int = 2) -> list[dict[str, Any]]:
    """Learners marked absent at ``at_least`` sessions, most first."""
    return list(
        Booking.objects.filter(status=BookingStatus.CONFIRMED, attendance=Attendance.ABSENT)
        .values("email", "organisation")
        .annotate(no_shows=Count("pk"))
        .filter(no_shows__gte=at_least)
        .order_by("-no_shows", "email")
    )


def evaluation_summary(course: Course) -> dict[str, Any]:
    rows = (
        Evaluation.objects.filter(booking__session__course=course)
        .values("kind")
        .annotate(count=Count("pk"), rating=Avg("rating"), confidence=Avg("confidence"))
        .order_by("kind")
    )
    return {row["kind"]: row for row in rows}


def session_evaluations(session: Session) -> list[Evaluation]:
    """The evaluations of one session, newest first, for the coordinator to read."""
    return list(
        Evaluation.objects.filter(booking__session=session).order_by("-submitted_at", "-pk")
    )


def sessions_evaluated(session: Session) -> dict[int, set[str]]:
    """Booking id to the kinds of evaluation that booking has given."""
    given: dict[int, set[str]] = {}
    for booking_id, kind in Evaluation.objects.filter(booking__session=session).values_list(
        "booking_id", "kind"
    ):
        given.setdefault(booking_id, set()).add(kind)
    return given


# --- Charges and reports ---------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def charges(
    *,
    organisation: str = "",
    start: date | None = None,
    end: date | None = None,
    status: str = "",
) -> QuerySet[Charge]:
    """Late cancellations and no-shows, by organisation then date; ``start`` and ``end`` are
    the first and last days on which the charge arose."""
    rows = Charge.objects.select_related("booking__session__course")
    if organisation:
        rows = rows.filter(organisation=organisation)
    if start:
        rows = rows.filter(created_at__gte=_day_start(start))
    if end:
        rows = rows.filter(created_at__lt=_day_start(end + timedelta(days=1)))
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("organisation", "created_at", "pk")


def charged_organisations() -> list[str]:
    return list(
        Charge.objects.order_by("organisation").values_list("organisation", flat=True).distinct()
    )


def training_records(*, person: str = "", organisation: str = "") -> QuerySet[Booking]:
    """Confirmed bookings (attended or not) for a person (name or email) or an organisation,
    latest session first. Empty unless one of them is given."""
    rows = Booking.objects.filter(status=BookingStatus.CONFIRMED).select_related(
        "session__course", "certificate"
    )
    if not person and not organisation:
        return rows.none()
    if person:
        rows = rows.filter(Q(full_name__icontains=person) | Q(email__icontains=person))
    if organisation:
        rows = rows.filter(organisation__icontains=organisation)
    return rows.order_by("-session__starts_at", "full_name", "pk")


@dataclass(frozen=True)
class RefresherDue:
    certificate: Certificate
    expired: bool

    @property
    def booking(self) -> Booking:
        return self.certificate.booking


def refreshers_due(*, today: date | None = None, within_days: int = 90) -> list[RefresherDue]:
    """People whose latest certificate for a course with a refresher interval has expired or
    expires within ``within_days``, and who hold no place on an upcoming session of it."""
    today = today or timezone.localdate()
    latest: dict[tuple[str, int], Certificate] = {}
    for certificate in (
        Certificate.objects.filter(
            expires_on__isnull=False, booking__session__course__refresher_valid_months__isnull=False
        )
        .select_related("booking__session__course")
        .order_by("expires_on", "pk")
    ):
        key = (certificate.booking.email, certificate.booking.session.course_id)
        latest[key] = certificate  # ordered by expiry: the last one wins
    booked = set(
        Booking.objects.filter(
            status__in=HOLDING,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gt=timezone.now(),
        ).values_list("email", "session__course_id")
    )
    horizon = today + timedelta(days=within_days)
    due = [
        RefresherDue(certificate, expired=certificate.expires_on < today)
        for key, certificate in latest.items()
        if certificate.expires_on is not None
        and certificate.expires_on <= horizon
        and key not in booked
    ]
    return sorted(
        due,
        key=lambda row: (row.certificate.expires_on or today, row.booking.full_name),
    )


def cancellation_cutoff(session: Session) -> datetime:
    """Free cancellation ends at the end of the working day that is
    TRAINING_CANCELLATION_WORKING_DAYS working days before the session's day."""
    day = working_days_before(
        timezone.localdate(session.starts_at), settings.TRAINING_CANCELLATION_WORKING_DAYS
    )
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return min(end, session.starts_at)
