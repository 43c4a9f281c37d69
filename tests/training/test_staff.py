"""The coordinator's and trainer's screens: programme, attendance, closing, exports, moves."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.training.models import (
    AccessNeeds,
    Attendance,
    Booking,
    BookingStatus,
    Charge,
    Course,
    Session,
    SessionStatus,
)
from tests.conftest import sign_in
from tests.date_input import moment_boxes
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(Role.TRAINING_COORDINATOR)


@pytest.fixture
def coordinator_client(client: Client, coordinator: User) -> Client:
    sign_in(client, coordinator)
    return client


def started_session(**options: object) -> Session:
    start = timezone.now() - timedelta(hours=2)
    return SessionFactory(
        starts_at=start, ends_at=start + timedelta(hours=1), bookings_close_at=start, **options
    )


def test_the_coordinator_creates_a_course_and_a_session(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("training:staff_course_new"),
        {
            "title": "Child exploitation",
            "summary": "Invented summary",
            "outcomes": "Recognise exploitation",
            "audience": "all",
            "level": "level_2",
            "format": "in_person",
            "topic": "exploitation",
            "late_cancellation_charge": "40",
            "no_show_charge": "60",
            "is_published": "on",
        },
    )
    course = Course.objects.get(title="Child exploitation")
    starts = timezone.localtime(timezone.now() + timedelta(days=20))
    session_response = coordinator_client.post(
        reverse("training:staff_session_new", args=[course.pk]),
        {
            **moment_boxes("starts_at", f"{starts:%Y-%m-%d} 09:30"),
            **moment_boxes("ends_at", f"{starts:%Y-%m-%d} 12:30"),
            "venue": "Invented Hall",
            "capacity": "20",
        },
    )

    assert response.status_code == 302
    assert session_response.status_code == 302
    session = Session.objects.get(course=course)
    assert session.bookings_close_at == session.starts_at
    assert AuditEntry.objects.filter(action="training.session.created").exists()


def test_a_session_with_no_venue_and_not_online_is_refused(coordinator_client: Client) -> None:
    course = CourseFactory()
    starts = timezone.localtime(timezone.now() + timedelta(days=20))

    response = coordinator_client.post(
        reverse("training:staff_session_new", args=[course.pk]),
        {
            **moment_boxes("starts_at", f"{starts:%Y-%m-%d} 09:30"),
            **moment_boxes("ends_at", f"{starts:%Y-%m-%d} 12:30"),
            "capacity": "20",
        },
    )

    assert response.status_code == 400
    assert "Enter the venue" in response.content.decode()
    assert not Session.objects.exists()


def test_a_sessions_own_trainer_sees_its_access_needs_and_another_trainer_cannot(
    client: Client, make_user: Callable[..., User]
) -> None:
    trainer, other = make_user(), make_user()
    session = SessionFactory(trainer=trainer)
    booking = BookingFactory(session=session)
    AccessNeeds.objects.create(session=session, booking=booking, details="Hearing loop")
    url = reverse("training:staff_session", args=[session.pk])

    sign_in(client, trainer)
    own = client.get(url)
    sign_in(client, other)
    theirs = client.get(url)

    assert "Hearing loop" in own.content.decode()
    assert theirs.status_code == 403
    [read] = AuditEntry.objects.filter(action="training.access_needs.read")
    assert (read.actor_id, read.target_id) == (trainer.pk, str(session.pk))
    assert read.details == {"purpose": "running the session", "records": 1}
    assert "Hearing" not in str(read.details)


def test_a_session_page_with_no_access_needs_records_no_read_of_them(
    coordinator_client: Client,
) -> None:
    session = SessionFactory()
    BookingFactory(session=session)

    coordinator_client.get(reverse("training:staff_session", args=[session.pk]))

    assert not AuditEntry.objects.filter(action="training.access_needs.read").exists()


def test_attendance_is_marked_and_closing_charges_no_shows_and_issues_certificates(
    coordinator_client: Client,
) -> None:
    session = started_session(course=CourseFactory(no_show_charge=Decimal("75")))
    present = BookingFactory(session=session)
    absent = BookingFactory(session=session)

    coordinator_client.post(
        reverse("training:staff_attendance", args=[session.pk]),
        {f"attendance-{present.pk}": "present", f"attendance-{absent.pk}": "absent"},
    )
    coordinator_client.post(reverse("training:staff_close", args=[session.pk]))

    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert Charge.objects.get().booking == absent
    assert hasattr(Booking.objects.get(pk=present.pk), "certificate")
    assert not hasattr(Booking.objects.get(pk=absent.pk), "certificate")


def test_a_session_cannot_close_while_someone_is_unmarked(coordinator_client: Client) -> None:
    session = started_session()
    BookingFactory(session=session)

    response = coordinator_client.post(
        reverse("training:staff_close", args=[session.pk]), follow=True
    )

    assert "Mark attendance for everyone first" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_the_attendance_export_is_audited_and_safe_for_spreadsheets(
    coordinator_client: Client,
) -> None:
    session = SessionFactory()
    BookingFactory(session=session, full_name="=HYPERLINK(1)", attendance=Attendance.PRESENT)

    response = coordinator_client.get(reverse("training:staff_attendance_csv", args=[session.pk]))

    assert response["Content-Type"].startswith("text/csv")
    assert "'=HYPERLINK(1)" in response.content.decode()
    assert AuditEntry.objects.filter(action="training.attendance.exported").count() == 1


def test_the_sign_in_sheet_lists_confirmed_people(coordinator_client: Client) -> None:
    session = SessionFactory()
    BookingFactory(session=session, full_name="Present Person")
    BookingFactory(session=session, full_name="Cancelled Person", status=BookingStatus.CANCELLED)

    page = coordinator_client.get(
        reverse("training:staff_sign_in_sheet", args=[session.pk])
    ).content.decode()

    assert "Present Person" in page
    assert "Cancelled Person" not in page


def test_moving_a_booking_frees_its_place_for_the_waiting_list(
    coordinator_client: Client,
) -> None:
    booking = BookingFactory(session=SessionFactory(capacity=1))
    target = SessionFactory(course=booking.session.course)

    coordinator_client.post(
        reverse("training:staff_move", args=[booking.pk]), {"to_session": target.pk}
    )

    booking.refresh_from_db()
    assert booking.session == target
    assert AuditEntry.objects.filter(action="training.booking.moved").exists()


def test_moving_to_a_full_session_is_refused(coordinator_client: Client) -> None:
    booking = BookingFactory()
    full = SessionFactory(capacity=1)
    BookingFactory(session=full)

    response = coordinator_client.post(
        reverse("training:staff_move", args=[booking.pk]), {"to_session": full.pk}, follow=True
    )

    assert "That session is full" in response.content.decode()
    booking.refresh_from_db()
    assert booking.session != full


def test_the_coordinator_can_approve_on_a_managers_behalf(coordinator_client: Client) -> None:
    booking = BookingFactory(status=BookingStatus.AWAITING_APPROVAL)

    coordinator_client.post(reverse("training:staff_approve", args=[booking.pk]))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_repeated_no_shows_are_visible(coordinator_client: Client) -> None:
    for _ in range(2):
        BookingFactory(email="often.away@school.example.org", attendance=Attendance.ABSENT)
    BookingFactory(email="once.away@school.example.org", attendance=Attendance.ABSENT)

    page = coordinator_client.get(reverse("training:staff_no_shows")).content.decode()

    assert "often.away@school.example.org" in page
    assert "once.away@school.example.org" not in page


def test_a_course_title_with_a_line_break_is_refused(coordinator_client: Client) -> None:
    response = coordinator_client.post(
        reverse("training:staff_course_new"),
        {"title": "Child exploitation\nBcc: someone@example.org", "summary": "Invented"},
    )

    assert "The title must be on one line" in response.content.decode()
    assert not Course.objects.exists()
