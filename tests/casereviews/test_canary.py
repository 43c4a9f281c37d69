"""Canaries typed into the case review pages (the key list, the chronology, a meeting's
minutes, a decision, the notification) appear nowhere in a dump of the database (the SQLite
file, or pg_dump on PostgreSQL), while the plain case reference does (so the dump is real)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.roles import Role
from safeguarding.casereviews.models import CaseReview
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.workspaces.test_canary import _dump

pytestmark = pytest.mark.django_db(transaction=True)

CANARIES = {
    "name": "Canaryname Zqxwv",
    "address": "CANARY-ADDRESS-81f2",
    "school": "CANARY-SCHOOL-4c0a",
    "nhs": "9434765919",
    "event": "CANARY-EVENT-77d1",
    "minutes": "CANARY-MINUTES-2e9b",
    "decision": "CANARY-DECISION-0a3c",
    "circumstances": "CANARY-CIRCUMSTANCES-5b5e",
}
CONTROL = "CONTROL-REF-e61f"


def _day(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_nothing_typed_into_a_case_is_in_a_dump_of_the_database() -> None:
    client = Client()
    sign_in(client, UserFactory(roles=[str(Role.REVIEW_OFFICER)]))
    assert client.post(reverse("casereviews:staff_open"), {"reference": CONTROL}).status_code == 302
    case = CaseReview.objects.get(reference=CONTROL)
    posts = [
        (
            reverse("casereviews:staff_subject_add", args=[case.pk]),
            {
                "pseudonym": "Child A",
                "role": "child",
                "full_name": CANARIES["name"],
                "address": CANARIES["address"],
                "school": CANARIES["school"],
                "nhs_number": CANARIES["nhs"],
                **_day("date_of_birth", date(2015, 3, 27)),
            },
        ),
        (
            reverse("casereviews:staff_record_add", args=[case.pk, "chronology"]),
            {
                "agency": "School",
                "event": CANARIES["event"],
                **_day("occurred_on", date(2026, 1, 5)),
            },
        ),
        (
            reverse("casereviews:staff_record_add", args=[case.pk, "meetings"]),
            {
                "kind": "panel",
                "attendees": "Invented",
                "minutes": CANARIES["minutes"],
                **_day("held_on", date(2026, 1, 6)),
            },
        ),
        (
            reverse("casereviews:staff_record_add", args=[case.pk, "decisions"]),
            {
                "decision": CANARIES["decision"],
                "reasons": "Invented",
                **_day("made_on", date(2026, 1, 7)),
            },
        ),
        (
            reverse("casereviews:staff_notification", args=[case.pk]),
            {
                "outcome": "died",
                "looked_after": "no",
                "circumstances": CANARIES["circumstances"],
                **_day("aware_on", date(2026, 1, 5)),
            },
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 302, url

    dump = _dump()

    assert CONTROL.encode() in dump
    for what, canary in CANARIES.items():
        assert canary.encode() not in dump, what
        assert canary.lower().encode() not in dump.lower(), what
