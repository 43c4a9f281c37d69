"""'My training' through an emailed signed link: cancel (charged after the cut-off), transfer,
leave the waiting list; forged and stale links; manager approval links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.core.working_days import working_days_before
from safeguarding.training import links as training_links
from safeguarding.training.models import (
    Booking,
    BookingStatus,
    Charge,
    ChargeReason,
    WaitingStatus,
)
from safeguarding.training.selectors import cancellation_cutoff
from safeguarding.training.services import booking_cancel
from tests.smtp import Mailbox, links
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    WaitingListEntryFactory,
    booking_data,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def my_page(booking: Booking) -> str:
    return path_of(training_links.my_training_url(booking.email, booking_id=booking.pk))


@pytest.mark.django_db(transaction=True)
def test_asking_for_a_link_emails_one_that_shows_bookings_and_waiting_places(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    booking = BookingFactory(email="sam@school.example.org")
    waiting = WaitingListEntryFactory(email="sam@school.example.org")
    BookingFactory(email="someone.else@school.example.org")

    response = client.post(reverse("training:ask_for_link"), {"email": "Sam@School.example.org"})
    run_tasks()
    [message] = smtp_server.to("sam@school.example.org")
    [link] = [link for link in links(message) if "/my-training/" in link]
    page = client.get(path_of(link)).content.decode()

    assert response.status_code == 302
    assert "sam@" not in link
    assert booking.session.course.title in page
    assert waiting.session.course.title in page
    assert "someone.else" not in page
    assert reverse("your_data:start") in page


def test_asking_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client: Client, mailoutbox: list
) -> None:
    response = client.post(reverse("training:ask_for_link"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("training:link_sent")
    assert mailoutbox == []


def test_a_forged_link_is_refused(client: Client) -> None:
    response = client.get(reverse("training:my_training", args=["forged-token"]))

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_cancelling_before_the_cut_off_is_free(client: Client) -> None:
    course = CourseFactory(late_cancellation_charge=Decimal("50.00"))
    booking = BookingFactory(session=SessionFactory(course=course))
    cancel = reverse("training:cancel", args=[my_page(booking).split("/")[-2], booking.pk])

    page = client.get(cancel)
    response = client.post(cancel)

    assert "Cancel my booking" in page.content.decode()
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert not Charge.objects.exists()
    banner = client.get(response["Location"]).content.decode()
    assert "govuk-notification-banner" in banner
    assert "Your booking is cancelled" in banner


def test_cancelling_after_the_cut_off_records_a_charge_against_the_organisation() -> None:
    course = CourseFactory(late_cancellation_charge=Decimal("50.00"))
    session = SessionFactory(course=course)
    booking = BookingFactory(session=session, organisation="Invented Academy")

    booking_cancel(booking_id=booking.pk, now=cancellation_cutoff(session) + timedelta(minutes=1))

    charge = Charge.objects.get()
    assert (charge.reason, charge.amount, charge.organisation) == (
        ChargeReason.LATE_CANCELLATION,
        Decimal("50.00"),
        "Invented Academy",
    )


def test_the_cut_off_skips_weekends_and_england_bank_holidays() -> None:
    # Monday 28 December 2026 is the Boxing Day substitute; Friday 25th is Christmas Day.
    assert working_days_before(date(2026, 12, 30), 3) == date(2026, 12, 23)
    session = SessionFactory.build(
        starts_at=datetime(2026, 12, 30, 9, 30, tzinfo=LONDON),
    )
    assert cancellation_cutoff(session) == datetime(2026, 12, 24, tzinfo=LONDON)


def test_transferring_a_place_gives_it_to_the_colleague_and_the_old_link_stops_working(
    client: Client,
) -> None:
    booking = BookingFactory(email="leaving@school.example.org")
    page = my_page(booking)
    token = page.split("/")[-2]

    response = client.post(
        reverse("training:transfer", args=[token, booking.pk]),
        booking_data(full_name="Colleague Name", email="colleague@school.example.org"),
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.full_name, booking.email) == ("Colleague Name", "colleague@school.example.org")
    assert client.get(page).status_code == 400


def test_a_transfer_to_someone_already_booked_is_refused(client: Client) -> None:
    booking = BookingFactory()
    BookingFactory(session=booking.session, email="colleague@school.example.org")
    token = my_page(booking).split("/")[-2]

    response = client.post(
        reverse("training:transfer", args=[token, booking.pk]),
        booking_data(email="colleague@school.example.org"),
    )

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    booking.refresh_from_db()
    assert booking.email != "colleague@school.example.org"


def test_asking_for_a_link_with_a_bad_address_is_answered_400_with_the_error_summary(
    client: Client,
) -> None:
    response = client.post(reverse("training:ask_for_link"), {"email": "not an address"})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()


def test_an_invalid_transfer_form_is_answered_400_with_the_error_summary(client: Client) -> None:
    booking = BookingFactory(email="leaving@school.example.org")
    token = my_page(booking).split("/")[-2]

    response = client.post(
        reverse("training:transfer", args=[token, booking.pk]),
        booking_data(full_name="", email="not an address"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "This field is required" not in page
    booking.refresh_from_db()
    assert booking.email == "leaving@school.example.org"


def test_another_persons_booking_cannot_be_reached_with_my_link(client: Client) -> None:
    mine = BookingFactory()
    theirs = BookingFactory()
    token = my_page(mine).split("/")[-2]

    assert client.post(reverse("training:cancel", args=[token, theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED


def test_leaving_the_waiting_list_from_my_training(client: Client) -> None:
    entry = WaitingListEntryFactory()
    token = path_of(training_links.my_training_url(entry.email, entry_id=entry.pk)).split("/")[-2]

    response = client.post(reverse("training:leave", args=[token, entry.pk]))

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == WaitingStatus.LEFT


@pytest.mark.django_db(transaction=True)
def test_a_manager_approves_with_the_emailed_link_and_a_second_use_is_refused(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    session = SessionFactory(course=CourseFactory(needs_manager_approval=True))
    client.post(
        reverse("training:book", args=[session.pk]),
        booking_data(manager_email="boss@school.example.org"),
    )
    run_tasks()
    [request] = smtp_server.to("boss@school.example.org")
    [link] = [link for link in links(request) if "/courses/approval/" in link]
    booking = Booking.objects.get()
    held = booking.status

    page = client.get(path_of(link))
    approved = client.post(path_of(link), {"decision": "approve"})
    second = client.post(path_of(link), {"decision": "decline"})
    run_tasks()

    assert held == BookingStatus.AWAITING_APPROVAL
    assert "Approve" in page.content.decode()
    assert approved.status_code == 200
    assert second.status_code == 409
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    subjects = [message["Subject"] for message in smtp_server.to(booking.email)]
    assert any("confirmed" in subject for subject in subjects)


def test_a_declined_booking_frees_the_place_for_the_waiting_list(client: Client) -> None:
    session = SessionFactory(capacity=1, course=CourseFactory(needs_manager_approval=True))
    booking = BookingFactory(
        session=session,
        status=BookingStatus.AWAITING_APPROVAL,
        manager_email="boss@school.example.org",
    )
    entry = WaitingListEntryFactory(session=session)

    client.post(path_of(training_links.approval_url(booking.pk)), {"decision": "decline"})

    booking.refresh_from_db()
    entry.refresh_from_db()
    assert booking.status == BookingStatus.DECLINED
    assert entry.status == WaitingStatus.OFFERED


def test_a_forged_approval_link_changes_nothing(client: Client) -> None:
    booking = BookingFactory(status=BookingStatus.AWAITING_APPROVAL)

    response = client.post(
        reverse("training:approval", args=["bad-token"]), {"decision": "approve"}
    )

    assert response.status_code == 400
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_APPROVAL
