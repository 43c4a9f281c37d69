"""The subject access export bundle, built from the data inventory."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.inventory.declarations import all_declarations
from safeguarding.privacy.disclosures.services import disclosure_approve, disclosure_record
from safeguarding.privacy.models.identity import LegalBasis
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import RequestKind
from safeguarding.privacy.rights.export import WITHHELD, build_export
from tests.factories import UserFactory
from tests.privacy.access_rights import open_request

# Models holding personal data that no email address can find, and why. The export cannot
# include them; anything else holding personal data must declare a subject_filter.
CANNOT_BE_LINKED_BY_EMAIL = {
    "django_tasks_database.DBTaskResult": (
        "Background task arguments and results: an address appears only inside JSON "
        "arguments of queued emails, kept for 7 days, and cannot be found without a full scan."
    ),
    "workspaces.SharingThirdParty": (
        "Holds no member of staff's data: only the people other than the child named in an "
        "information-sharing decision, who are found through the review, not by email."
    ),
    "cdop.PanelAttendance": (
        "A panel meeting's attendance list: names and organisations as typed by the "
        "secretariat, with no address or account to find them by; the meeting's papers are "
        "found through the review."
    ),
    "sessions.Session": (
        "Django's session table is installed but unused (staff sessions are "
        "accounts.StaffSession); its data is encoded and holds no address."
    ),
}
# Models that CAN be linked by email (through a staff user or a typed username) but whose
# owners have not declared a subject_filter yet: each names the filter to add. When one is
# added, this test fails until the entry is removed, so the list only shrinks.
# Models that could be found by email but do not yet declare how: none at present. A model
# listed here must gain a subject_filter and leave the list (the test below enforces it).
AWAITING_A_SUBJECT_FILTER: dict[str, str] = {}


def test_every_model_with_personal_data_can_be_found_for_an_access_request() -> None:
    missing = [
        d.model_label
        for d in all_declarations()
        if d.holds_personal_data
        and d.subject_filter is None
        and d.model_label not in CANNOT_BE_LINKED_BY_EMAIL
        and d.model_label not in AWAITING_A_SUBJECT_FILTER
    ]
    assert missing == [], (
        "These models hold personal data but declare no subject_filter, so a subject access "
        f"export would miss them: {missing}. Declare one, or list the model in "
        "CANNOT_BE_LINKED_BY_EMAIL with the reason."
    )


def test_the_lists_of_exceptions_name_only_models_without_a_filter() -> None:
    declared = {d.model_label: d for d in all_declarations()}
    for label in [*CANNOT_BE_LINKED_BY_EMAIL, *AWAITING_A_SUBJECT_FILTER]:
        assert label in declared, f"{label} is not in the inventory any more"
        assert declared[label].subject_filter is None, f"{label} has a filter now: unlist it"


def _open(bundle: bytes) -> tuple[dict[str, Any], str]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        assert sorted(archive.namelist()) == ["data.json", "summary.html"]
        data = json.loads(archive.read("data.json"))
        summary = archive.read("summary.html").decode()
    return data, summary


@pytest.mark.django_db
def test_the_export_holds_the_subjects_rows_and_nobody_elses() -> None:
    mine = open_request(email="me@example.org", full_name="Morgan Mine")
    theirs = open_request(email="them@example.org", full_name="Taylor Theirs")
    theirs.details = "Their secret request"
    theirs.save()

    data, summary = _open(build_export(mine.person))

    requests = data["records"]["privacy.RightsRequest"]["rows"]
    assert [row["id"] for row in requests] == [str(mine.pk)]
    people = data["records"]["privacy.Person"]["rows"]
    assert [row["fields"]["email"]["value"] for row in people] == ["me@example.org"]
    assert "Morgan Mine" in summary
    assert "Taylor Theirs" not in json.dumps(data) + summary
    assert "Their secret request" not in json.dumps(data) + summary


@pytest.mark.django_db
def test_each_field_carries_its_category_purpose_and_retention() -> None:
    request = open_request(email="me@example.org")

    data, summary = _open(build_export(request.person))

    model = data["records"]["privacy.RightsRequest"]
    details = model["rows"][0]["fields"]["details"]
    assert details == {
        "value": "All of it",
        "category": "user.content.private",
        "purpose": "rights_requests",
        "purpose_name": (
            "Answering requests to see, correct or erase your data, and checking who you are"
        ),
        "retention": "2 years after the request is closed (completed, refused or withdrawn)",
    }
    assert "id" not in model["rows"][0]["fields"]  # only personal fields
    assert "due_on" not in model["rows"][0]["fields"]
    assert "2 years after the request is closed" in summary
    assert "Recorded by the Privacy engine part of this service" in summary


@pytest.mark.django_db
def test_the_export_finds_rows_whatever_the_case_of_the_address() -> None:
    request = open_request(email="me@example.org")
    person = Person(pk=request.person.pk, email="Me@Example.ORG")

    data, _ = _open(build_export(person))

    assert data["records"]["privacy.RightsRequest"]["rows"][0]["id"] == str(request.pk)


@pytest.mark.django_db
def test_the_summary_escapes_what_people_typed() -> None:
    request = open_request(email="me@example.org", full_name="<script>alert(1)</script>")
    request.details = '<img src=x onerror="alert(2)"> & more'
    request.save()

    data, summary = _open(build_export(request.person))

    assert "<script>alert(1)" not in summary
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary
    assert "<img" not in summary
    assert "&lt;img src=x" in summary
    # The JSON keeps the exact text.
    rows = data["records"]["privacy.RightsRequest"]["rows"]
    assert rows[0]["fields"]["details"]["value"] == '<img src=x onerror="alert(2)"> & more'


@pytest.mark.django_db
def test_the_summary_loads_nothing_from_outside() -> None:
    request = open_request(email="me@example.org")

    _, summary = _open(build_export(request.person))

    assert "default-src 'none'" in summary
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in summary


@pytest.mark.django_db
def test_secrets_are_listed_but_never_copied_out() -> None:
    staff = UserFactory(email="staff.member@example.org")
    person = Person.objects.create(email="staff.member@example.org")

    data, _ = _open(build_export(person))

    password = data["records"]["accounts.User"]["rows"][0]["fields"]["password"]
    assert password["value"] == WITHHELD
    assert staff.password not in json.dumps(data)


@pytest.mark.django_db
def test_someone_we_hold_nothing_else_about_gets_a_readable_summary() -> None:
    person = Person.objects.create(email="only.me@example.org")

    data, summary = _open(build_export(person))

    assert list(data["records"]) == ["privacy.Person"]
    assert "Your data held by the" in summary


@pytest.mark.django_db
def test_a_person_without_an_email_address_cannot_be_exported() -> None:
    with pytest.raises(ValueError, match="email"):
        build_export(Person.objects.create(full_name="No Address"))


@pytest.mark.django_db
def test_disclosures_required_by_law_are_listed(lead: User, make_user: Callable[..., User]) -> None:
    request = open_request(email="me@example.org")
    record = disclosure_record(
        email="me@example.org",
        requester_organisation="Norfolk <Police>",
        requester="DC Example (invented)",
        legal_basis=LegalBasis.POLICE_CRIME,
        legal_basis_description="To prevent a crime (invented)",
        what_disclosed="Your address",
        disclosed_on=timezone.localdate(),
        withhold_from_subject=False,
        exemption_reason="",
        actor=lead,
    )
    disclosure_approve(disclosure=record, actor=make_user(Role.PARTNERSHIP_ADMINISTRATOR))

    data, summary = _open(build_export(request.person))

    [listed] = data["disclosures_required_by_law"]
    assert listed["requester_organisation"] == "Norfolk <Police>"
    assert "Disclosures required by law" in summary
    assert "Norfolk &lt;Police&gt;" in summary


@pytest.mark.django_db
def test_no_disclosures_says_so() -> None:
    request = open_request(email="me@example.org")

    data, summary = _open(build_export(request.person))

    assert data["disclosures_required_by_law"] == []
    assert "We have not disclosed your data" in summary


@pytest.mark.django_db
def test_the_cost_is_set_by_the_subjects_data_not_the_database_size() -> None:
    request = open_request(email="me@example.org")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            build_export(request.person)
        return len(captured)

    before = queries()
    for n in range(30):
        open_request(email=f"other{n}@example.org", kind=RequestKind.ERASURE)
    assert queries() == before
