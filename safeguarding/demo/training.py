"""Invented training data for the demo: every course, session and learner here is made up,
and the learners' addresses are on a reserved domain that can never receive mail."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.training.models import (
    Attendance,
    Audience,
    Booking,
    BookingStatus,
    Certificate,
    Charge,
    ChargeReason,
    Course,
    Evaluation,
    EvaluationKind,
    Format,
    Level,
    OrganisationType,
    Session,
    SessionStatus,
    Topic,
    WaitingListEntry,
)

DEMO_DOMAIN = "demo.invalid"
_COURSES: tuple[tuple[str, Level, Format, Topic, Audience, dict[str, Any]], ...] = (
    (
        "Safeguarding children: the basics (demo)",
        Level.LEVEL_1,
        Format.ELEARNING,
        Topic.CORE,
        Audience.ALL_PRACTITIONERS,
        {},
    ),
    (
        "Working together to safeguard children (demo)",
        Level.LEVEL_2,
        Format.IN_PERSON,
        Topic.CORE,
        Audience.ALL_PRACTITIONERS,
        {"late_cancellation_charge": Decimal("40"), "no_show_charge": Decimal("60")},
    ),
    (
        "Neglect: recognising and responding (demo)",
        Level.LEVEL_3,
        Format.ONLINE_LIVE,
        Topic.NEGLECT,
        Audience.DESIGNATED_LEADS,
        {"needs_manager_approval": True, "evaluation_required": True},
    ),
    (
        "Designated safeguarding lead refresher (demo)",
        Level.SPECIALIST,
        Format.IN_PERSON,
        Topic.CORE,
        Audience.DESIGNATED_LEADS,
        {"refresher_valid_months": 24, "eligible_organisation_types": ["school"]},
    ),
)


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed_training_demo() -> int:
    """Create the invented courses, sessions and bookings once; returns how many courses."""
    if Course.objects.filter(title__endswith="(demo)").exists():
        return 0
    trainer = User.objects.filter(email=f"training@{DEMO_DOMAIN}").first()
    with transaction.atomic():
        courses = []
        for title, level, course_format, topic, audience, extra in _COURSES:
            course = Course.objects.create(
                title=title,
                summary="An invented course for the demonstration; nothing here is real.",
                outcomes="Recognise signs that a child may need help\n"
                "Know who to tell and how to record it",
                level=level,
                format=course_format,
                topic=topic,
                audience=audience,
                **extra,
            )
            courses.append(course)
        courses[2].prerequisites.add(courses[1])
        for index, course in enumerate(courses):
            for weeks in (3, 7):
                start = _at(weeks * 7 + index, 9 + index)
                session = Session.objects.create(
                    course=course,
                    starts_at=start,
                    ends_at=start + timedelta(hours=3),
                    bookings_close_at=start - timedelta(days=1),
                    online=course.format != Format.IN_PERSON,
                    venue="" if course.format != Format.IN_PERSON else "County Hall (demo)",
                    joining_instructions="Invented joining instructions for the demo.",
                    capacity=4 if weeks == 3 else 20,
                    trainer=trainer,
                )
                if weeks == 3:
                    _fill(session)
        _past_sessions(courses, trainer)
    return len(courses)


def _past_sessions(courses: list[Course], trainer: User | None) -> None:
    """Sessions that have run, so closing a session, certificates, evaluations, charges and
    refreshers can be tried at once: one closed (with attendance, certificates, evaluations
    and a no-show charge), and one that ran yesterday and waits to be closed."""
    closed_course, open_course = courses[3], courses[1]
    closed = _past(closed_course, trainer, days_ago=700, status=SessionStatus.CLOSED)
    marks = (Attendance.PRESENT, Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT)
    for n, mark in enumerate(marks):
        booking = Booking.objects.create(
            attendance=mark, status=BookingStatus.CONFIRMED, **_person(closed, n)
        )
        if mark == Attendance.PRESENT:
            Certificate.objects.create(
                booking=booking,
                issued_at=closed.ends_at,
                # Refresher course: one certificate about to expire, one expired.
                expires_on=timezone.localdate() + timedelta(days=30 if n == 0 else -5),
            )
            Evaluation.objects.create(
                booking=booking,
                kind=EvaluationKind.POST_COURSE,
                rating=5 - n,
                confidence=4,
                comments="Invented comment: the case studies were the most useful part.",
                submitted_at=closed.ends_at + timedelta(hours=2),
            )
        if mark == Attendance.ABSENT:
            Charge.objects.create(
                booking=booking,
                organisation=booking.organisation,
                reason=ChargeReason.NO_SHOW,
                amount=closed_course.no_show_charge or Decimal("60"),
                created_at=closed.closed_at or closed.ends_at,
            )
    ran = _past(open_course, trainer, days_ago=1, status=SessionStatus.SCHEDULED)
    for n in range(3):
        Booking.objects.create(status=BookingStatus.CONFIRMED, **_person(ran, n))


def _past(course: Course, trainer: User | None, *, days_ago: int, status: str) -> Session:
    start = _at(-days_ago, 9)
    return Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        bookings_close_at=start - timedelta(days=1),
        online=course.format != Format.IN_PERSON,
        venue="" if course.format != Format.IN_PERSON else "County Hall (demo)",
        capacity=10,
        trainer=trainer,
        status=status,
        closed_at=start + timedelta(hours=4) if status == SessionStatus.CLOSED else None,
    )


def _person(session: Session, n: int) -> dict[str, Any]:
    return {
        "session": session,
        "full_name": f"Demo Learner {session.pk}-{n}",
        "email": f"learner{session.pk}-{n}@{DEMO_DOMAIN}",
        "organisation": "Invented Primary School (demo)",
        "organisation_type": OrganisationType.SCHOOL,
        "role": "Teacher",
    }


def _fill(session: Session) -> None:
    """Book the small session full and put two people on its waiting list."""
    for n in range(session.capacity + 2):
        person = _person(session, n)
        if n < session.capacity:
            Booking.objects.create(status=BookingStatus.CONFIRMED, **person)
        else:
            WaitingListEntry.objects.create(**person)
