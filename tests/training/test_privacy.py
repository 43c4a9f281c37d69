"""Training data in the privacy engine: declared purposes and conditions, retention that the
engine applies, and a learner's records in a subject access export."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding.inventory import purposes
from safeguarding.inventory.declarations import declaration_for
from safeguarding.inventory.taxonomy import SpecialCondition
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.retention.engine import retention_sweep
from safeguarding.privacy.rights.export import build_export
from safeguarding.training.models import (
    AccessNeeds,
    Booking,
    Evaluation,
    WaitingListEntry,
    WaitingStatus,
)
from tests.training.factories import BookingFactory, SessionFactory, WaitingListEntryFactory


def test_access_needs_are_special_category_data_with_an_article_9_condition() -> None:
    declaration = declaration_for(AccessNeeds)
    assert declaration is not None
    [details] = [f for f in declaration.personal_fields() if f.name == "details"]
    purpose = purposes.get(details.purpose)

    assert details.special_category
    assert purpose is not None
    assert purpose.special_condition == SpecialCondition.EQUALITY


@pytest.mark.django_db
def test_the_sweep_deletes_access_needs_30_days_after_the_session_and_keeps_the_booking() -> None:
    start = timezone.now() - timedelta(days=40)
    session = SessionFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), bookings_close_at=start
    )
    booking = BookingFactory(session=session)
    AccessNeeds.objects.create(session=session, booking=booking, details="Step-free access")
    recent = SessionFactory()
    AccessNeeds.objects.create(session=recent, details="Vegan lunch")

    retention_sweep()

    assert list(AccessNeeds.objects.values_list("details", flat=True)) == ["Vegan lunch"]
    assert Booking.objects.filter(pk=booking.pk).exists()


@pytest.mark.django_db
def test_bookings_go_6_years_after_the_session_and_ended_waiting_places_after_30_days() -> None:
    start = timezone.now() - timedelta(days=365 * 6 + 2)
    old = SessionFactory(
        starts_at=start, ends_at=start + timedelta(hours=2), bookings_close_at=start
    )
    BookingFactory(session=old)
    kept = BookingFactory()
    WaitingListEntryFactory(
        status=WaitingStatus.EXPIRED, resolved_at=timezone.now() - timedelta(days=31)
    )
    waiting = WaitingListEntryFactory()

    retention_sweep()

    assert list(Booking.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(WaitingListEntry.objects.values_list("pk", flat=True)) == [waiting.pk]


@pytest.mark.django_db
def test_evaluation_answers_go_after_2_years() -> None:
    booking = BookingFactory()
    Evaluation.objects.create(
        booking=booking,
        kind="post_course",
        rating=3,
        confidence=3,
        submitted_at=timezone.now() - timedelta(days=365 * 2 + 1),
    )

    retention_sweep()

    assert not Evaluation.objects.exists()


@pytest.mark.django_db
def test_a_learners_bookings_and_waiting_places_are_in_their_access_export() -> None:
    BookingFactory(email="learner@school.example.org", role="Teaching assistant")
    WaitingListEntryFactory(email="learner@school.example.org")
    BookingFactory(email="other@school.example.org", role="Head teacher")
    person = Person.objects.create(email="learner@school.example.org", full_name="Learner")

    with zipfile.ZipFile(io.BytesIO(build_export(person))) as archive:
        data = json.loads(archive.read("data.json"))

    text = json.dumps(data)
    assert "Teaching assistant" in text
    assert "Head teacher" not in text
    assert {"training.Booking", "training.WaitingListEntry"} <= set(data["records"])
