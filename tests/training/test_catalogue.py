"""The public catalogue and course pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.training.models import Format, Level, Topic, WaitingListEntry, WaitingStatus
from tests.date_input import date_boxes
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db


def catalogue(client: Client, status: int = 200, **query: str) -> str:
    response = client.get(reverse("training:catalogue"), query)
    assert response.status_code == status
    return response.content.decode()


def test_the_catalogue_shows_places_left_and_full_sessions(client: Client) -> None:
    roomy = SessionFactory(capacity=3, course=CourseFactory(title="Roomy course"))
    BookingFactory(session=roomy)
    full = SessionFactory(capacity=1, course=CourseFactory(title="Full course"))
    BookingFactory(session=full)

    page = catalogue(client)

    assert "2 places left" in page
    assert "Full: join the waiting list" in page


def test_an_open_offer_holds_a_place(client: Client) -> None:
    session = SessionFactory(capacity=2)
    BookingFactory(session=session)
    WaitingListEntry.objects.create(
        session=session,
        full_name="Offered",
        email="offered@example.org",
        organisation="Org",
        organisation_type="other",
        role="Role",
        status=WaitingStatus.OFFERED,
        offer_expires_at=timezone.now() + timedelta(hours=1),
    )

    assert "Full: join the waiting list" in catalogue(client)


def test_the_catalogue_filters_by_level_format_topic_and_search(client: Client) -> None:
    CourseFactory(title="Neglect in depth", level=Level.LEVEL_3, topic=Topic.NEGLECT)
    CourseFactory(title="Online safety basics", format=Format.ELEARNING, topic=Topic.ONLINE_SAFETY)

    assert "Online safety basics" not in catalogue(client, level=Level.LEVEL_3)
    assert "Neglect in depth" in catalogue(client, level=Level.LEVEL_3)
    assert "Neglect in depth" not in catalogue(client, format=Format.ELEARNING)
    assert "Online safety basics" in catalogue(client, topic=Topic.ONLINE_SAFETY)
    assert "Neglect in depth" not in catalogue(client, q="online")


def test_the_catalogue_filters_by_date(client: Client) -> None:
    soon = SessionFactory(course=CourseFactory(title="Soon course"))
    SessionFactory(
        course=CourseFactory(title="Later course"), starts_at=soon.starts_at + timedelta(days=60)
    )
    after = (soon.starts_at + timedelta(days=30)).date()

    page = catalogue(client, **date_boxes("from_date", after))

    assert "Later course" in page
    assert "Soon course" not in page


def test_a_bad_date_gets_a_clear_message(client: Client) -> None:
    page = catalogue(client, 400, from_date_0="31", from_date_1="2", from_date_2="2027")

    assert "There is a problem" in page
    assert "The date sessions start from must be a real date" in page


def _queries_for(client: Client, courses: int) -> int:
    missing = courses - CourseFactory._meta.model.objects.count()
    for _ in range(missing):
        SessionFactory()
    with CaptureQueriesContext(connection) as queries:
        catalogue(client)
    return len(queries)


def test_the_catalogue_makes_the_same_number_of_queries_for_10_and_1000_courses(
    client: Client,
) -> None:
    assert _queries_for(client, 10) == _queries_for(client, 1000)


def test_a_course_page_lists_outcomes_prerequisites_and_sessions(client: Client) -> None:
    basics = CourseFactory(title="The basics")
    course = CourseFactory(outcomes="Spot neglect\nRecord concerns")
    course.prerequisites.add(basics)
    session = SessionFactory(course=course, capacity=1)
    BookingFactory(session=session)

    page = client.get(reverse("training:course", args=[course.pk])).content.decode()

    assert "Spot neglect" in page
    assert "The basics" in page
    assert "Join the waiting list" in page
    assert reverse("training:book", args=[session.pk]) in page


def test_an_unpublished_course_is_not_found(client: Client) -> None:
    course = CourseFactory(is_published=False)

    assert client.get(reverse("training:course", args=[course.pk])).status_code == 404
    assert course.title not in catalogue(client)
