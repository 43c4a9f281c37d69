"""The training officers' back office: changing and cancelling the programme, booking for
people, the waiting list, messages, attendance timing, certificates by hand, charges and
reports."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.training.models import (
    Attendance,
    Booking,
    BookingStatus,
    Certificate,
    Charge,
    ChargeReason,
    ChargeStatus,
    Evaluation,
    EvaluationKind,
    SessionStatus,
    WaitingListEntry,
    WaitingStatus,
)
from safeguarding.training.services import booking_cancel
from safeguarding.training.staff_services import session_cancel, session_update
from tests.conftest import sign_in
from tests.date_input import moment_boxes
from tests.smtp import Mailbox, text_body
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    WaitingListEntryFactory,
    booking_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(Role.TRAINING_COORDINATOR)


@pytest.fixture
def staff(client: Client, coordinator: User) -> Client:
    sign_in(client, coordinator)
    return client


def _session_form(session: object, **overrides: str) -> dict[str, str]:
    starts = timezone.localtime(session.starts_at)  # type: ignore[attr-defined]
    ends = timezone.localtime(session.ends_at)  # type: ignore[attr-defined]
    closes = timezone.localtime(session.bookings_close_at)  # type: ignore[attr-defined]
    return {
        **moment_boxes("starts_at", starts),
        **moment_boxes("ends_at", ends),
        **moment_boxes("bookings_close_at", closes),
        "venue": session.venue,  # type: ignore[attr-defined]
        "capacity": str(session.capacity),  # type: ignore[attr-defined]
        **overrides,
    }


def _ics(message: object) -> icalendar.Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]  # type: ignore[attr-defined]
    return icalendar.Calendar.from_ical(part.get_content())


# --- Changing a course and a session ---------------------------------------------------------


def test_lowering_capacity_below_the_places_booked_is_refused_with_the_reason(
    staff: Client,
) -> None:
    session = SessionFactory(capacity=20)
    BookingFactory.create_batch(14, session=session)

    response = staff.post(
        reverse("training:staff_session_edit", args=[session.pk]),
        _session_form(session, capacity="10"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "There are 14 places booked: the capacity cannot be lower than that" in page
    assert 'href="#id_capacity"' in page  # the error summary links to the field
    session.refresh_from_db()
    assert session.capacity == 20


@pytest.mark.django_db(transaction=True)  # the worker sees only committed rows
def test_a_session_is_changed_and_a_new_time_goes_to_calendars_with_a_higher_sequence(
    staff: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    session = SessionFactory(capacity=5)
    booking = BookingFactory(session=session)
    later = timezone.localtime(session.starts_at + timedelta(hours=1))

    response = staff.post(
        reverse("training:staff_session_edit", args=[session.pk]),
        _session_form(
            session,
            **moment_boxes("starts_at", later),
            **moment_boxes("ends_at", later + timedelta(hours=3)),
            capacity="8",
        ),
        follow=True,
    )
    run_tasks()

    assert "Session changes saved." in response.content.decode()
    session.refresh_from_db()
    assert (session.capacity, session.calendar_sequence) == (8, 1)
    [message] = smtp_server.to(booking.email)
    event = _ics(message).walk("VEVENT")[0]
    assert int(event["sequence"]) == 1
    assert str(event["uid"]).startswith(f"booking-{booking.pk}@")
    assert AuditEntry.objects.filter(action="training.session.changed").exists()


def test_unpublishing_a_course_takes_it_out_of_the_catalogue_and_keeps_bookings(
    staff: Client, client: Client
) -> None:
    session = SessionFactory(course__title="Invented exploitation course")
    booking = BookingFactory(session=session)

    response = staff.post(
        reverse("training:staff_course_publish", args=[session.course_id]),
        {"published": "no"},
        follow=True,
    )

    assert "out of the public catalogue" in response.content.decode()
    session.course.refresh_from_db()
    assert not session.course.is_published
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert AuditEntry.objects.filter(action="training.course.unpublished").exists()
    assert "Invented exploitation course" not in Client().get("/courses/").content.decode()


def test_a_course_is_changed_from_the_staff_area(staff: Client) -> None:
    course = CourseFactory(title="Old title")
    form = staff.get(reverse("training:staff_course_edit", args=[course.pk]))
    assert 'value="Old title"' in form.content.decode()

    staff.post(
        reverse("training:staff_course_edit", args=[course.pk]),
        {
            "title": "New title",
            "summary": course.summary,
            "outcomes": course.outcomes,
            "audience": course.audience,
            "level": course.level,
            "format": course.format,
            "topic": course.topic,
            "late_cancellation_charge": "10",
            "no_show_charge": "20",
            "refresher_valid_months": "24",
            "is_published": "on",
        },
    )

    course.refresh_from_db()
    assert (course.title, course.refresher_valid_months) == ("New title", 24)
    assert AuditEntry.objects.get(action="training.course.changed").details["fields"]


# --- Cancelling a session --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the worker sees only committed rows
def test_cancelling_a_session_sends_a_calendar_cancel_to_each_person_booked(
    client: Client,
    coordinator: User,
    smtp_server: Mailbox,
    run_tasks: Callable[[], None],
    clock: object,
) -> None:
    session = SessionFactory(capacity=1, course__late_cancellation_charge=Decimal("40"))
    booking = BookingFactory(session=session)
    waiting = WaitingListEntryFactory(session=session)
    # The confirmation's invitation, as the booking sent it.
    from safeguarding.training import emails

    emails.queue("confirmed", booking=booking)
    run_tasks()
    [confirmation] = smtp_server.to(booking.email)
    invitation = _ics(confirmation).walk("VEVENT")[0]
    smtp_server.clear()
    # Inside the late-cancellation window: the partnership cancelling charges nobody.
    clock.move_to(session.starts_at - timedelta(hours=5))  # type: ignore[attr-defined]
    sign_in(client, coordinator)

    response = client.post(
        reverse("training:staff_session_cancel", args=[session.pk]),
        {"message": "The trainer is unwell. We will offer a new date."},
        follow=True,
    )
    run_tasks()

    assert "Session cancelled. We are emailing 2 people." in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_by_partnership
    assert not Charge.objects.exists()
    assert WaitingListEntry.objects.get(pk=waiting.pk).status == WaitingStatus.SESSION_CANCELLED
    [message] = smtp_server.to(booking.email)
    assert "The trainer is unwell" in text_body(message)
    calendar = _ics(message)
    assert str(calendar["method"]) == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == str(invitation["uid"])
    assert int(event["sequence"]) > int(invitation["sequence"])
    assert str(event["status"]) == "CANCELLED"
    [waiting_message] = smtp_server.to(waiting.email)
    assert "waiting list has ended" in text_body(waiting_message)
    entry = AuditEntry.objects.get(action="training.session.cancelled")
    assert entry.details["bookings"] == 1
    assert entry.details["waiting"] == 1


def test_a_session_that_has_started_cannot_be_cancelled(coordinator: User) -> None:
    start = timezone.now() - timedelta(minutes=5)
    session = SessionFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), bookings_close_at=start
    )

    with pytest.raises(Exception, match="has started"):
        session_cancel(session=session, actor=coordinator, message="Sorry")


def test_cancelling_needs_a_message(staff: Client) -> None:
    session = SessionFactory()

    response = staff.post(reverse("training:staff_session_cancel", args=[session.pk]), {})

    assert "Enter a message to the people booked and waiting" in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


# --- Booking on someone's behalf, the waiting list, messages ---------------------------------


def test_the_coordinator_books_someone_through_the_same_rules(
    staff: Client, coordinator: User
) -> None:
    session = SessionFactory(capacity=1)

    first = staff.post(
        reverse("training:staff_book", args=[session.pk]), booking_data(), follow=True
    )
    again = staff.post(reverse("training:staff_book", args=[session.pk]), booking_data())
    full = staff.post(
        reverse("training:staff_book", args=[session.pk]),
        booking_data(email="grace@school.example.org", full_name="Grace Learner"),
        follow=True,
    )

    assert "Ada Learner is booked." in first.content.decode()
    assert "already has a place" in again.content.decode()
    assert "is on the waiting list" in full.content.decode()
    booking = Booking.objects.get(session=session)
    assert booking.email == "ada.learner@school.example.org"
    entry = AuditEntry.objects.get(action="training.booking.created")
    assert entry.actor_id == coordinator.pk


@pytest.mark.django_db(transaction=True)  # the worker sees only committed rows
def test_someone_is_removed_from_a_waiting_list_with_a_reason(
    staff: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    entry = WaitingListEntryFactory()
    url = reverse("training:staff_waiting_remove", args=[entry.pk])

    empty = staff.post(url, {"reason": ""})
    done = staff.post(url, {"reason": "Booked on another date by phone"}, follow=True)
    run_tasks()

    assert "Enter why you are removing them from the waiting list" in empty.content.decode()
    assert "is off the waiting list" in done.content.decode()
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.REMOVED
    assert entry.removal_reason == "Booked on another date by phone"
    audit = AuditEntry.objects.get(action="training.waiting_list.removed")
    assert audit.reason == "Booked on another date by phone"
    [message] = smtp_server.to(entry.email)
    assert "no longer on the waiting list" in message["Subject"]


@pytest.mark.django_db(transaction=True)  # the worker sees only committed rows
def test_a_message_goes_to_everyone_on_the_session_by_tasks(
    staff: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    session = SessionFactory()
    people = BookingFactory.create_batch(3, session=session)
    BookingFactory(session=session, status=BookingStatus.CANCELLED)
    url = reverse("training:staff_session_message", args=[session.pk])

    two_lines = staff.post(url, {"subject": "Room\nchange", "body": "x"})
    response = staff.post(
        url, {"subject": "Room change", "body": "We are now in Room 2."}, follow=True
    )
    run_tasks()

    assert "The subject must be on one line" in two_lines.content.decode()
    assert "Message sent to 3 people." in response.content.decode()
    for booking in people:
        [message] = smtp_server.to(booking.email)
        assert message["Subject"] == "Room change"
        assert "We are now in Room 2." in text_body(message)
    assert AuditEntry.objects.get(action="training.session.messaged").details["recipients"] == 3


# --- Attendance and certificates -------------------------------------------------------------


def test_attendance_is_refused_before_the_session_starts(
    client: Client, coordinator: User, clock: object
) -> None:
    start = datetime(2026, 12, 7, 9, 30, tzinfo=ZoneInfo("Europe/London"))
    clock.move_to(start - timedelta(minutes=30))  # type: ignore[attr-defined]
    sign_in(client, coordinator)
    staff = client
    session = SessionFactory(
        starts_at=start, ends_at=start + timedelta(hours=3), bookings_close_at=start
    )
    booking = BookingFactory(session=session)

    response = staff.post(
        reverse("training:staff_attendance", args=[session.pk]),
        {f"attendance-{booking.pk}": "present"},
        follow=True,
    )

    assert (
        "Attendance can be marked once the session has started, at 9:30am on 7 December 2026."
        in response.content.decode()
    )
    assert Booking.objects.get(pk=booking.pk).attendance == ""
    clock.move_to(start + timedelta(minutes=5))  # type: ignore[attr-defined]
    sign_in(client, coordinator)  # staff sessions end after a while idle
    staff.post(
        reverse("training:staff_attendance", args=[session.pk]),
        {f"attendance-{booking.pk}": "present"},
    )
    assert Booking.objects.get(pk=booking.pk).attendance == Attendance.PRESENT


def _closed(attendance: str, **course: object) -> Booking:
    start = timezone.now() - timedelta(days=2)
    session = SessionFactory(
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        bookings_close_at=start,
        course=CourseFactory(**course),
    )
    booking = BookingFactory(session=session, attendance=attendance)
    return booking


def test_the_partnership_decides_which_attendance_earns_a_certificate(
    staff: Client, settings: object
) -> None:
    settings.TRAINING_CERTIFICATE_STATUSES = ["present", "late"]  # type: ignore[attr-defined]
    late = _closed(Attendance.LATE)
    left = BookingFactory(session=late.session, attendance=Attendance.LEFT_EARLY)

    staff.post(reverse("training:staff_close", args=[late.session_id]))

    assert Certificate.objects.filter(booking=late).exists()
    assert not Certificate.objects.filter(booking=left).exists()


def test_a_certificate_is_issued_and_reissued_by_hand_with_a_reason(staff: Client) -> None:
    booking = _closed(Attendance.LEFT_EARLY)
    staff.post(reverse("training:staff_close", args=[booking.session_id]))
    assert not Certificate.objects.filter(booking=booking).exists()
    url = reverse("training:staff_certificate", args=[booking.pk])

    refused = staff.post(url, {"reason": ""})
    staff.post(url, {"reason": "Left for an emergency; caught up with the trainer"})
    first = Certificate.objects.get(booking=booking)
    staff.post(url, {"reason": "Name corrected"}, follow=True)
    second = Certificate.objects.get(booking=booking)

    assert "Enter why you are issuing this certificate" in refused.content.decode()
    assert second.code != first.code
    assert (second.times_reissued, second.issue_reason) == (1, "Name corrected")
    assert AuditEntry.objects.get(action="training.certificate.reissued").reason == "Name corrected"


def test_the_session_page_shows_certificates_evaluations_and_comments(staff: Client) -> None:
    booking = _closed(Attendance.PRESENT)
    staff.post(reverse("training:staff_close", args=[booking.session_id]))
    Evaluation.objects.create(
        booking=booking,
        kind=EvaluationKind.POST_COURSE,
        rating=4,
        confidence=5,
        comments="The case studies were the most useful part.",
    )

    page = staff.get(reverse("training:staff_session", args=[booking.session_id])).content.decode()

    assert "Issued " in page
    assert "After the course" in page
    assert "The case studies were the most useful part." in page


# --- Charges ---------------------------------------------------------------------------------


def _charge(organisation: str, on: date, reason: str = ChargeReason.NO_SHOW) -> Charge:
    booking = BookingFactory(organisation=organisation, full_name="=cmd|' /C calc'!A0")
    return Charge.objects.create(
        booking=booking,
        organisation=organisation,
        reason=reason,
        amount=Decimal("60"),
        created_at=timezone.make_aware(datetime.combine(on, datetime.min.time())),
    )


def test_charges_are_listed_by_organisation_and_period_and_exported_safely(
    staff: Client,
) -> None:
    wanted = _charge("Invented Academy", date(2026, 3, 10))
    _charge("Invented Academy", date(2026, 5, 1))
    _charge("Invented Health Trust", date(2026, 3, 12))
    period = {
        "organisation": "Invented Academy",
        "start_0": "1",
        "start_1": "3",
        "start_2": "2026",
        "end_0": "31",
        "end_1": "3",
        "end_2": "2026",
    }

    page = staff.get(reverse("training:staff_charges"), period).content.decode()
    export = staff.get(reverse("training:staff_charges_csv"), period)

    assert "1 charge, £60.00 in all" in page
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert len(rows) == 2
    assert rows[1][0] == "Invented Academy"
    assert rows[1][1].startswith("'=")  # SafeWriter neutralised the formula
    assert rows[1][6] == "10 March 2026"
    assert AuditEntry.objects.get(action="training.charge.exported").details["rows"] == 1
    assert wanted.pk


def test_a_wrong_date_gets_a_specific_message_linked_to_the_day(staff: Client) -> None:
    page = staff.get(
        reverse("training:staff_charges"), {"start_0": "31", "start_1": "2", "start_2": "2026"}
    ).content.decode()
    missing = staff.get(
        reverse("training:staff_charges"), {"end_0": "3", "end_1": "", "end_2": "2026"}
    ).content.decode()

    assert "Charged from must be a real date" in page
    assert 'href="#id_start_0"' in page
    assert "Charged up to and including must include a month" in missing


def test_a_charge_is_marked_invoiced_or_waived_with_a_reason(staff: Client) -> None:
    charge = _charge("Invented Academy", date(2026, 3, 10))
    url = reverse("training:staff_charge", args=[charge.pk])

    refused = staff.post(url, {"status": "waived", "reason": ""})
    staff.post(url, {"status": "waived", "reason": "Family emergency"}, follow=True)

    assert "Enter the invoice reference, or why the charge is waived" in refused.content.decode()
    charge.refresh_from_db()
    assert (charge.status, charge.decision_reason) == (ChargeStatus.WAIVED, "Family emergency")
    assert AuditEntry.objects.get(action="training.charge.waived").reason == "Family emergency"


def test_a_late_cancellation_by_the_learner_still_charges(coordinator: User) -> None:
    session = SessionFactory(course__late_cancellation_charge=Decimal("40"))
    booking = BookingFactory(session=session)

    booking_cancel(booking_id=booking.pk, now=session.starts_at - timedelta(hours=2))

    assert Charge.objects.get().status == ChargeStatus.OUTSTANDING


# --- Reports ---------------------------------------------------------------------------------


def test_training_records_by_person_and_organisation(staff: Client) -> None:
    booking = _closed(Attendance.PRESENT)
    staff.post(reverse("training:staff_close", args=[booking.session_id]))
    BookingFactory(organisation="Someone Else Ltd")

    records = reverse("training:staff_records")
    assert staff.get(reverse("training:staff_records_csv")).status_code == 302  # nothing found
    searched = staff.post(records, {"person": booking.email, "organisation": ""})
    assert searched["Location"] == records  # the address never holds who was searched for
    by_person = staff.get(records)
    export = staff.get(reverse("training:staff_records_csv"))
    staff.post(records, {"person": "", "organisation": "invented primary"})
    by_organisation = staff.get(records)

    assert "1 record" in by_person.content.decode()
    assert booking.full_name in by_organisation.content.decode()
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[1][0] == booking.full_name
    assert rows[1][5] == "Present"
    assert AuditEntry.objects.filter(action="training.records.exported").exists()


def test_a_records_search_too_long_is_answered_400_with_the_error_summary(staff: Client) -> None:
    response = staff.post(
        reverse("training:staff_records"), {"person": "x" * 201, "organisation": ""}
    )

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_who_is_due_a_refresher(staff: Client, coordinator: User) -> None:
    due = _closed(Attendance.PRESENT, refresher_valid_months=12)
    Certificate.objects.create(booking=due, expires_on=timezone.localdate() + timedelta(days=30))
    rebooked = BookingFactory(
        session=due.session, email="rebooked@school.example.org", attendance=Attendance.PRESENT
    )
    Certificate.objects.create(
        booking=rebooked, expires_on=timezone.localdate() - timedelta(days=3)
    )
    BookingFactory(session=SessionFactory(course=due.session.course), email=rebooked.email)
    not_yet = BookingFactory(session=due.session, email="later@school.example.org")
    Certificate.objects.create(
        booking=not_yet, expires_on=timezone.localdate() + timedelta(days=400)
    )

    page = staff.get(reverse("training:staff_refreshers")).content.decode()
    export = staff.get(reverse("training:staff_refreshers_csv")).content.decode()

    assert due.email in page
    assert rebooked.email not in page
    assert not_yet.email not in page
    assert "1 person" in page
    assert due.email in export


def test_session_update_refuses_a_closed_session(coordinator: User) -> None:
    booking = _closed(Attendance.PRESENT)
    booking.session.status = SessionStatus.CLOSED
    booking.session.save()

    with pytest.raises(Exception, match="Only a scheduled session"):
        session_update(session=booking.session, actor=coordinator, fields={"capacity": 5})
