"""Booking a place: the form, capacity, the waiting list, refusals, and the emails."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.training.forms import BOOKING_FIELDS, BookingForm
from safeguarding.training.models import (
    AccessNeeds,
    Booking,
    BookingStatus,
    WaitingListEntry,
    WaitingStatus,
)
from tests.smtp import Mailbox, html_body, links, text_body
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    WaitingListEntryFactory,
    booking_data,
)

pytestmark = pytest.mark.django_db


def book(client: Client, session_id: int, **overrides: str) -> object:
    return client.post(reverse("training:book", args=[session_id]), booking_data(**overrides))


def test_the_booking_form_asks_only_what_training_needs() -> None:
    form = BookingForm(course=CourseFactory())

    assert tuple(form.fields) == BOOKING_FIELDS
    assert not form.fields["access_needs"].required


def test_a_course_needing_approval_also_asks_for_the_managers_email() -> None:
    form = BookingForm(course=CourseFactory(needs_manager_approval=True))

    assert tuple(form.fields) == (*BOOKING_FIELDS, "manager_email")


@pytest.mark.django_db(transaction=True)
def test_booking_a_place_confirms_it_and_emails_a_calendar_file(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    session = SessionFactory(capacity=2, joining_instructions="Sign in at reception.")

    response = book(client, session.pk)
    run_tasks()

    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.email == "ada.learner@school.example.org"
    [message] = smtp_server.to("ada.learner@school.example.org")
    assert "Your place is confirmed" in message["Subject"]
    assert "Sign in at reception." in text_body(message)
    assert session.course.title in html_body(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    event = icalendar.Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert event.decoded("dtstart") == session.starts_at.replace(microsecond=0)
    assert str(event["summary"]) == session.course.title
    assert any("/courses/my-training/" in link for link in links(message))


def test_booking_never_puts_personal_data_in_the_redirect_or_the_audit_trail(
    client: Client,
) -> None:
    session = SessionFactory()

    response = book(client, session.pk)

    assert "ada" not in response["Location"].lower()
    entry = AuditEntry.objects.get(action="training.booking.created")
    assert "ada" not in str(entry.details).lower()


@pytest.mark.django_db(transaction=True)
def test_a_full_session_puts_the_next_person_on_the_waiting_list(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)

    response = book(client, session.pk)
    run_tasks()

    assert response["Location"].endswith("/waiting/")
    assert Booking.objects.filter(session=session).count() == 1
    entry = WaitingListEntry.objects.get(session=session)
    assert entry.status == WaitingStatus.WAITING
    [message] = smtp_server.to("ada.learner@school.example.org")
    assert "waiting list" in message["Subject"]


def test_a_second_booking_with_the_same_email_is_refused_and_changes_nothing(
    client: Client,
) -> None:
    session = SessionFactory()
    book(client, session.pk)

    response = book(client, session.pk, email="ADA.learner@school.example.org ")

    assert response.status_code == 409
    assert "already has a place" in response.content.decode()
    assert Booking.objects.filter(session=session).count() == 1


def test_someone_on_the_waiting_list_cannot_book_the_same_session_again(client: Client) -> None:
    session = SessionFactory(capacity=1)
    BookingFactory(session=session)
    book(client, session.pk)

    response = book(client, session.pk)

    assert response.status_code == 409
    assert WaitingListEntry.objects.filter(session=session).count() == 1


def test_booking_after_the_cut_off_is_refused(client: Client) -> None:
    start = timezone.now() + timedelta(days=2)
    session = SessionFactory(starts_at=start, bookings_close_at=timezone.now() - timedelta(hours=1))

    response = book(client, session.pk)

    assert response.status_code == 410
    assert "Bookings have closed" in response.content.decode()
    assert not Booking.objects.exists()


def test_an_invalid_form_shows_errors_and_books_nothing(client: Client) -> None:
    session = SessionFactory()

    response = book(client, session.pk, email="not-an-email", organisation_type="martian")

    assert response.status_code == 400  # a refused form, not a page shown for the first time
    assert "There is a problem" in response.content.decode()
    assert not Booking.objects.exists()


def test_access_needs_are_kept_apart_from_the_booking(client: Client) -> None:
    session = SessionFactory()

    book(client, session.pk, access_needs="Wheelchair access, please")

    needs = AccessNeeds.objects.get()
    assert needs.booking == Booking.objects.get()
    assert needs.session == session


def test_prerequisites_must_have_been_attended(client: Client) -> None:
    level_1 = CourseFactory(title="Level 1 basics")
    course = CourseFactory()
    course.prerequisites.add(level_1)
    session = SessionFactory(course=course)

    refused = book(client, session.pk)
    BookingFactory(
        session=SessionFactory(course=level_1),
        email="ada.learner@school.example.org",
        attendance="present",
    )
    accepted = book(client, session.pk)

    assert refused.status_code == 409
    assert "Level 1 basics" in refused.content.decode()
    assert accepted.status_code == 302


def test_a_course_open_only_to_some_organisations_refuses_others(client: Client) -> None:
    session = SessionFactory(course=CourseFactory(eligible_organisation_types=["health"]))

    response = book(client, session.pk)

    assert response.status_code == 409
    assert "not open to people from your type of organisation" in response.content.decode()


def test_booking_is_rate_limited_per_address(client: Client) -> None:
    sessions = SessionFactory.create_batch(6)

    statuses = [book(client, session.pk).status_code for session in sessions]

    assert statuses == [302] * 5 + [429]
    assert Booking.objects.count() == 5


def test_an_unpublished_course_cannot_be_booked(client: Client) -> None:
    session = SessionFactory(course=CourseFactory(is_published=False))

    assert book(client, session.pk).status_code == 404


def test_the_charges_for_a_late_cancellation_and_not_coming_are_shown_before_booking(
    client: Client,
) -> None:
    course = CourseFactory(late_cancellation_charge=Decimal("40"), no_show_charge=Decimal("60.50"))
    session = SessionFactory(course=course)

    page = client.get(reverse("training:book", args=[session.pk])).content.decode()

    charges = page.split('id="charges"', 1)[1].split("</p>", 1)[0]
    assert "Cancelling is free until" in charges
    assert "£40 for a cancellation" in charges
    assert "£60.50" in charges
    assert page.index('id="charges"') < page.index("<form")


def test_an_open_offer_and_a_place_awaiting_approval_each_hold_a_place(client: Client) -> None:
    session = SessionFactory(capacity=2)
    BookingFactory(session=session, status=BookingStatus.AWAITING_APPROVAL)
    WaitingListEntryFactory(
        session=session,
        status=WaitingStatus.OFFERED,
        offered_at=timezone.now(),
        offer_expires_at=timezone.now() + timedelta(hours=48),
    )

    response = book(client, session.pk)

    assert response["Location"].endswith("/waiting/")
    assert not Booking.objects.filter(email="ada.learner@school.example.org").exists()


def test_a_cancelled_booking_and_a_left_waiting_place_neither_hold_a_place_nor_block_booking(
    client: Client,
) -> None:
    session = SessionFactory(capacity=1)
    BookingFactory(
        session=session, email="ada.learner@school.example.org", status=BookingStatus.CANCELLED
    )
    WaitingListEntryFactory(
        session=session, email="ada.learner@school.example.org", status=WaitingStatus.LEFT
    )

    response = book(client, session.pk)

    assert response["Location"].endswith("/booked/")
    assert Booking.objects.get(status=BookingStatus.CONFIRMED).email == (
        "ada.learner@school.example.org"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("full", [False, True], ids=["a place", "the waiting list"])
def test_a_booking_holds_the_sessions_lock_for_four_statements_and_the_audit_entry(
    client: Client, full: bool
) -> None:
    """Fifty people asking at once for the last places queue for one session's lock, so
    everything that can be done before it is: under it run only the lock itself, one check
    of the one-place rule and the free places, the place or waiting place, the email's task
    and the audit entry (whose statements are the audit trail's own)."""
    session = SessionFactory(capacity=1)
    if full:
        BookingFactory(session=session)
    book(client, SessionFactory().pk, email="first@school.example.org")  # the trail has begun
    under_lock: list[str] = []
    every: list[str] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        every.append(sql)
        if connection.in_atomic_block and not sql.startswith("BEGIN") and '"audit_' not in sql:
            under_lock.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = book(client, session.pk)

    assert response.status_code == 302
    assert len(under_lock) == 4, "\n".join(under_lock)
    # Before the lock: the session with its course, and the course's prerequisites.
    assert len(every) <= 10, "\n".join(every)
