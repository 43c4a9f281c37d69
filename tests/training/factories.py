"""Factories for training tests: courses, sessions in the future, bookings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from safeguarding.training.models import (
    Audience,
    Booking,
    BookingStatus,
    Course,
    Format,
    Level,
    OrganisationType,
    Session,
    Topic,
    WaitingListEntry,
)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Safeguarding course {n}")
    summary = "An invented course for tests."
    outcomes = "Recognise signs of abuse\nKnow how to share a concern"
    audience = Audience.ALL_PRACTITIONERS
    level = Level.LEVEL_1
    format = Format.IN_PERSON
    topic = Topic.CORE


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    course = factory.SubFactory(CourseFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=3))
    bookings_close_at = factory.LazyAttribute(lambda s: s.starts_at - timedelta(days=1))
    venue = "County Hall, Committee Room 1 (invented)"
    capacity = 10


_PERSON: dict[str, Any] = {
    "full_name": factory.Sequence(lambda n: f"Learner {n}"),
    "email": factory.Sequence(lambda n: f"learner{n}@school.example.org"),
    "organisation": "Invented Primary School",
    "organisation_type": OrganisationType.SCHOOL,
    "role": "Teacher",
}


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    status = BookingStatus.CONFIRMED
    full_name = _PERSON["full_name"]
    email = _PERSON["email"]
    organisation = _PERSON["organisation"]
    organisation_type = _PERSON["organisation_type"]
    role = _PERSON["role"]


class WaitingListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitingListEntry

    session = factory.SubFactory(SessionFactory)
    full_name = factory.Sequence(lambda n: f"Waiting learner {n}")
    email = factory.Sequence(lambda n: f"waiting{n}@health.example.org")
    organisation = "Invented Health Trust"
    organisation_type = OrganisationType.HEALTH
    role = "Health visitor"


def booking_data(**overrides: str) -> dict[str, str]:
    """What a person types into the booking form."""
    return {
        "full_name": "Ada Learner",
        "email": "Ada.Learner@School.example.org",
        "organisation": "Invented Academy",
        "organisation_type": OrganisationType.SCHOOL,
        "role": "Designated safeguarding lead",
        "access_needs": "",
        **overrides,
    }
