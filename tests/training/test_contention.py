"""No double booking under load (PostgreSQL): real HTTP, several gunicorn workers and threads,
and races between a cancellation and an offer being accepted."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection, transaction

from safeguarding.training.models import (
    HOLDING,
    Booking,
    WaitingListEntry,
    WaitingStatus,
)
from safeguarding.training.services import (
    BookingRefused,
    booking_cancel,
    offer_accept,
    offer_free_places,
)
from tests.processes import project_env, running_server
from tests.training.factories import (
    BookingFactory,
    SessionFactory,
    WaitingListEntryFactory,
    booking_data,
)
from tests.training.load import database_url, post_all_at_once

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


@pytest.mark.processes
def test_fifty_simultaneous_bookings_for_five_places_give_exactly_five_bookings(
    tmp_path: Path,
) -> None:
    session = SessionFactory(capacity=10)
    BookingFactory.create_batch(5, session=session)
    forms = [booking_data(email=f"contender{n}@school.example.org") for n in range(50)]
    env = project_env(
        tmp_path, DATABASE_URL=database_url(), TRAINING_BOOKINGS_PER_CLIENT_HOUR="1000"
    )

    with running_server(env, production=True, workers=4, threads=4) as base:
        results = post_all_at_once(base, f"/courses/sessions/{session.pk}/book/", forms)

    assert [result.status for result in results] == [302] * 50
    assert Booking.objects.filter(session=session, status__in=HOLDING).count() == 10
    assert WaitingListEntry.objects.filter(session=session).count() == 45
    emails = set(Booking.objects.filter(session=session).values_list("email", flat=True)) | set(
        WaitingListEntry.objects.filter(session=session).values_list("email", flat=True)
    )
    assert len(emails) == 55  # nobody lost, nobody twice


def _race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at the same moment in threads; each result or exception."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(index: int, action: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except BookingRefused as refused:
            results[index] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.parametrize("attempt", range(5))
def test_a_cancellation_racing_an_offer_acceptance_never_gives_a_place_twice(attempt: int) -> None:
    session = SessionFactory(capacity=2)
    leaving = BookingFactory(session=session)
    BookingFactory(session=session)
    offered = WaitingListEntryFactory(session=session)
    next_in_line = WaitingListEntryFactory(session=session)
    # A third place was added, and is on offer to the first person waiting.
    session.capacity = 3
    session.save()
    with transaction.atomic():
        offer_free_places(session_id=session.pk)
    offered.refresh_from_db()
    assert offered.status == WaitingStatus.OFFERED

    _race(
        lambda: booking_cancel(booking_id=leaving.pk),
        lambda: offer_accept(entry_id=offered.pk),
    )

    holding = Booking.objects.filter(session=session, status__in=HOLDING).count()
    open_offers = WaitingListEntry.objects.filter(
        session=session, status=WaitingStatus.OFFERED
    ).count()
    assert holding + open_offers == 3
    next_in_line.refresh_from_db()
    assert next_in_line.status == WaitingStatus.OFFERED
    assert Booking.objects.filter(session=session, email=offered.email).count() == 1


@pytest.mark.parametrize("attempt", range(5))
def test_two_acceptances_of_one_offer_book_once(attempt: int) -> None:
    session = SessionFactory(capacity=1)
    offered = WaitingListEntryFactory(session=session)
    with transaction.atomic():
        offer_free_places(session_id=session.pk)

    results = _race(
        lambda: offer_accept(entry_id=offered.pk), lambda: offer_accept(entry_id=offered.pk)
    )

    assert sum(isinstance(result, Booking) for result in results) == 1
    assert Booking.objects.filter(session=session).count() == 1
