"""The catalogue and course pages are cached for everyone (core/fragment_cache.py) under a
version the database raises with every change, so they are never stale, and the layout's
per-visitor parts (CSP nonce, CSRF token, consent banner) are still each visitor's own."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import pytest_django.fixtures
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import StaffSession
from safeguarding.training.models import Booking, CatalogueVersion, Session
from tests.training.factories import BookingFactory, SessionFactory, booking_data

pytestmark = pytest.mark.django_db


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def pages(session: Session) -> list[str]:
    return [reverse("training:catalogue"), reverse("training:course", args=[session.course.pk])]


def test_booking_the_last_place_shows_full_on_the_next_request(client: Client) -> None:
    session = SessionFactory(capacity=1)
    for url in pages(session):
        assert "1 place left" in page(client, url)  # now cached
        assert "1 place left" in page(client, url)

    response = client.post(reverse("training:book", args=[session.pk]), booking_data())
    assert response.status_code == 302

    for url in pages(session):
        shown = page(client, url)
        assert "Full: join the waiting list" in shown
        assert "place left" not in shown


@pytest.mark.django_db(transaction=True)
def test_a_place_booked_on_another_connection_shows_full_on_the_next_request(
    client: Client,
) -> None:
    """The booking is made by another thread with a connection of its own, as another
    process (or machine) would make it; this connection has read the version before."""
    session = SessionFactory(capacity=1)
    for url in pages(session):
        assert "1 place left" in page(client, url)  # now cached
        assert "1 place left" in page(client, url)
    statuses: list[int] = []

    def book() -> None:
        try:
            response = Client().post(reverse("training:book", args=[session.pk]), booking_data())
            statuses.append(response.status_code)
        finally:
            connection.close()

    thread = threading.Thread(target=book)
    thread.start()
    thread.join()

    assert statuses == [302]
    for url in pages(session):
        shown = page(client, url)
        assert "Full: join the waiting list" in shown
        assert "place left" not in shown


def test_a_cached_page_costs_one_query(
    client: Client, django_assert_num_queries: pytest_django.DjangoAssertNumQueries
) -> None:
    session = SessionFactory()
    for url in pages(session):
        page(client, url)
        with django_assert_num_queries(1):  # the catalogue version
            page(client, url)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: Booking.objects.filter(session=s).delete(), id="bulk delete"),
        pytest.param(lambda s: Session.objects.filter(pk=s.pk).update(capacity=3), id="update"),
        pytest.param(lambda s: BookingFactory(session=s), id="insert"),
    ],
)
def test_every_write_to_the_tables_raises_the_version(client: Client, change: object) -> None:
    """Triggers raise it, so even a bulk update or delete (the retention sweep's) counts."""
    session = SessionFactory(capacity=2)
    BookingFactory(session=session)
    before = CatalogueVersion.objects.get(pk=1).value
    cached = page(client, reverse("training:course", args=[session.course.pk]))

    change(session)  # type: ignore[operator]

    assert CatalogueVersion.objects.get(pk=1).value > before
    assert page(client, reverse("training:course", args=[session.course.pk])) != cached


def test_a_cached_page_follows_the_clock_when_bookings_close(
    client: Client, clock: time_machine.TimeMachineFixture
) -> None:
    clock.move_to(timezone.now(), tick=False)
    session = SessionFactory(capacity=5)
    url = reverse("training:course", args=[session.course.pk])
    assert "Bookings closed" not in page(client, url)

    clock.move_to(session.bookings_close_at + timedelta(minutes=1), tick=False)
    assert "Bookings closed" in page(client, url)

    clock.move_to(session.starts_at + timedelta(minutes=1), tick=False)
    assert "No sessions are booked yet" in page(client, url)
    assert "Committee Room" not in page(client, reverse("training:catalogue"))


def test_an_unpublished_course_is_gone_at_once(client: Client) -> None:
    session = SessionFactory()
    page(client, reverse("training:course", args=[session.course.pk]))
    session.course.is_published = False
    session.course.save()

    assert client.get(reverse("training:course", args=[session.course.pk])).status_code == 404


def test_an_invalid_filter_is_answered_with_its_errors_and_not_cached(client: Client) -> None:
    SessionFactory()
    query = {"from_date_0": "31", "from_date_1": "2", "from_date_2": "2027"}
    for _ in range(2):
        response = client.get(reverse("training:catalogue"), query)
        assert "govuk-error-summary" in response.content.decode()
        assert "<title>Error: " in response.content.decode()


def _nonce(response: object) -> str:
    header = response["Content-Security-Policy"]  # type: ignore[index]
    return re.search(r"'nonce-([^']+)'", header).group(1)  # type: ignore[union-attr]


def _csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_two_visitors_never_see_each_others_nonce_or_token(
    settings: pytest_django.fixtures.Settings,
) -> None:
    settings.GOOGLE_ANALYTICS_ID = "G-TEST12345"  # the cookie banner, with its CSRF token
    session = SessionFactory()
    for url in pages(session):
        first, second = Client(), Client()
        seen = []
        for visitor in (first, second, first):
            response = visitor.get(url)
            html = response.content.decode()
            nonce = _nonce(response)
            assert set(re.findall(r'nonce="([^"]+)"', html)) == {nonce}
            tokens = _csrf_tokens(html)
            assert tokens, "the cookie banner's forms carry a CSRF token"
            seen.append((nonce, tokens, visitor.cookies[settings.CSRF_COOKIE_NAME].value))
        (nonce_a, tokens_a, cookie_a), (nonce_b, tokens_b, cookie_b), (nonce_a2, _, _) = seen
        assert len({nonce_a, nonce_b, nonce_a2}) == 3
        assert not tokens_a & tokens_b
        assert cookie_a != cookie_b


def test_an_anonymous_visitor_who_has_not_posted_gets_no_session(client: Client) -> None:
    session = SessionFactory()
    for url in pages(session) * 2:
        response = client.get(url)
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert not StaffSession.objects.exists()
