"""The waiting list: first come first served offers that expire and pass on, never past the
booking cut-off; leaving the list; every step in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.training.models import (
    Booking,
    BookingStatus,
    Session,
    WaitingListEntry,
    WaitingStatus,
)
from safeguarding.training.services import (
    BookingRefused,
    booking_cancel,
    expire_offers,
    offer_accept,
    offer_free_places,
    waiting_leave,
)
from tests.smtp import Mailbox, links
from tests.training.factories import BookingFactory, SessionFactory, WaitingListEntryFactory

pytestmark = pytest.mark.django_db


def full_session_with_queue(
    *, waiting: int = 2, **session: object
) -> tuple[Session, Booking, list[WaitingListEntry]]:
    session_row = SessionFactory(capacity=1, **session)
    booking = BookingFactory(session=session_row)
    entries = [
        WaitingListEntryFactory(
            session=session_row, joined_at=timezone.now() + timedelta(seconds=n)
        )
        for n in range(waiting)
    ]
    return session_row, booking, entries


def status(entry: WaitingListEntry) -> str:
    entry.refresh_from_db()
    return entry.status


@pytest.mark.django_db(transaction=True)
def test_a_freed_place_is_offered_by_email_and_taken_with_a_button(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    session, booking, (first, second) = full_session_with_queue()

    booking_cancel(booking_id=booking.pk)
    run_tasks()
    [offer] = smtp_server.to(first.email)
    [link] = [link for link in links(offer) if "/courses/offer/" in link]
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    after_get = status(first)
    taken = client.post("/" + path)
    again = client.post("/" + path)

    assert "Accept the place" in page.content.decode()
    assert after_get == WaitingStatus.OFFERED  # a mail scanner's GET takes nothing
    assert status(first) == WaitingStatus.ACCEPTED
    assert taken.status_code == 200
    assert Booking.objects.get(session=session, email=first.email).status == BookingStatus.CONFIRMED
    assert again.status_code == 409
    assert status(second) == WaitingStatus.WAITING
    assert not smtp_server.to(second.email)


def test_the_first_person_waiting_gets_the_offer() -> None:
    _session, booking, (first, second) = full_session_with_queue()

    booking_cancel(booking_id=booking.pk)

    assert status(first) == WaitingStatus.OFFERED
    assert status(second) == WaitingStatus.WAITING


def test_an_offer_lasts_48_hours_by_default(settings: object) -> None:
    _session, booking, (first, _second) = full_session_with_queue()

    before = timezone.now()
    booking_cancel(booking_id=booking.pk)

    first.refresh_from_db()
    assert first.offer_expires_at is not None
    assert timedelta(hours=47) < first.offer_expires_at - before <= timedelta(hours=48, seconds=5)


def test_an_offer_never_runs_past_the_booking_cut_off() -> None:
    closes = timezone.now() + timedelta(hours=5)
    _session, booking, (first, _second) = full_session_with_queue(
        starts_at=closes + timedelta(hours=1), bookings_close_at=closes
    )

    booking_cancel(booking_id=booking.pk)

    first.refresh_from_db()
    assert first.offer_expires_at == closes


def test_an_unanswered_offer_passes_to_the_next_person() -> None:
    _session, booking, (first, second) = full_session_with_queue()
    booking_cancel(booking_id=booking.pk)

    expire_offers(now=timezone.now() + timedelta(hours=49))

    assert status(first) == WaitingStatus.EXPIRED
    assert status(second) == WaitingStatus.OFFERED
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert "training.waiting_list.offer_expired" in actions
    assert actions.count("training.waiting_list.offered") == 2


def test_an_expired_offer_cannot_be_accepted() -> None:
    _session, booking, (first, _second) = full_session_with_queue()
    booking_cancel(booking_id=booking.pk)

    with pytest.raises(BookingRefused, match="expired"):
        offer_accept(entry_id=first.pk, now=timezone.now() + timedelta(hours=49))
    assert not Booking.objects.filter(email=first.email).exists()


def test_offers_stop_at_the_cut_off_and_the_list_closes() -> None:
    closes = timezone.now() + timedelta(hours=1)
    session, _booking, (first, second) = full_session_with_queue(
        starts_at=closes + timedelta(days=1), bookings_close_at=closes
    )

    expire_offers(now=closes + timedelta(minutes=1))
    with transaction.atomic():
        offered = offer_free_places(session_id=session.pk, now=closes + timedelta(minutes=1))

    assert offered == []
    assert status(first) == WaitingStatus.CLOSED
    assert status(second) == WaitingStatus.CLOSED


def test_leaving_with_an_offer_passes_it_on() -> None:
    _session, booking, (first, second) = full_session_with_queue()
    booking_cancel(booking_id=booking.pk)

    waiting_leave(entry_id=first.pk)

    assert status(first) == WaitingStatus.LEFT
    assert status(second) == WaitingStatus.OFFERED


def test_leaving_twice_is_refused() -> None:
    _session, _booking, (first, _second) = full_session_with_queue()
    waiting_leave(entry_id=first.pk)

    with pytest.raises(BookingRefused):
        waiting_leave(entry_id=first.pk)
