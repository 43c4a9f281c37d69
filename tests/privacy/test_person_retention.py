"""Retention of a person's own record (rule ``person``), automated by the retention engine."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.inventory.retention_rules import get
from safeguarding.privacy.models.identity import SecurityQuestion
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.retention.engine import retention_not_automated, retention_sweep
from tests.privacy.access_rights import open_request

pytestmark = pytest.mark.django_db

TWO_YEARS = timedelta(days=365 * 2)
DAY = timedelta(days=1)


def _person(email: str, *, age: timedelta) -> Person:
    return Person.objects.create(email=email, created_at=timezone.now() - age)


def _question(person: Person, *, age: timedelta) -> SecurityQuestion:
    return SecurityQuestion.objects.create(
        person=person, question="first_pet", answer_hash="x", set_at=timezone.now() - age
    )


def test_people_and_their_security_questions_are_automated() -> None:
    not_automated = {label for label, _, _ in retention_not_automated()}
    assert not {"privacy.Person", "privacy.SecurityQuestion"} & not_automated


def test_a_person_goes_two_years_after_their_last_contact_once_nothing_refers_to_them() -> None:
    _person("gone@example.org", age=TWO_YEARS + DAY)
    _person("recent@example.org", age=TWO_YEARS - DAY)
    with_request = open_request(email="asked@example.org").person
    Person.objects.filter(pk=with_request.pk).update(created_at=timezone.now() - 3 * TWO_YEARS)
    still_calling = _person("calls@example.org", age=3 * TWO_YEARS)
    _question(still_calling, age=TWO_YEARS - DAY)
    silent = _person("silent@example.org", age=3 * TWO_YEARS)
    _question(silent, age=TWO_YEARS + DAY)

    retention_sweep()

    left = set(Person.objects.values_list("email", flat=True))
    assert left == {"recent@example.org", "asked@example.org", "calls@example.org"}
    assert list(SecurityQuestion.objects.values_list("person__email", flat=True)) == [
        "calls@example.org"
    ]


def test_the_generated_notice_states_the_period(client: Client) -> None:
    rule = get("person")
    assert rule is not None

    page = client.get("/privacy/").content.decode()

    assert f"2 years after {rule.trigger}" in page
