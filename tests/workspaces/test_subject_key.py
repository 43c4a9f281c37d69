"""A subject key that is not an email: a parent's request for their child finds the records
that hold the child's identity (as lookup hashes) and not the parent's own."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from safeguarding.core.crypto import lookup_hash
from safeguarding.inventory import declarations
from safeguarding.inventory.declarations import (
    ModelDeclaration,
    not_personal,
    personal,
)
from safeguarding.inventory.subjects import ChildIdentity, SubjectKey, by_child, by_email
from safeguarding.inventory.taxonomy import Subject
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import (
    RequestChannel,
    RequestKind,
    RequestStatus,
    RequestSubject,
    RightsRequest,
)
from safeguarding.privacy.rights import export
from safeguarding.privacy.rights.actions import subject_records
from safeguarding.privacy.rights.erasure import erasure_preview
from safeguarding.privacy.rights.services import rights_request_log
from safeguarding.workspaces.models import Workspace
from tests.training.factories import BookingFactory
from tests.workspaces.protected_model import ChildRecord

PARENT = "parent@example.org"
NHS = "943 476 5919"
BORN = date(2015, 3, 27)
LABEL = "tests_protected.ChildRecord"


# --- The kernel ------------------------------------------------------------------------------


def test_a_key_normalises_its_email_and_describes_itself() -> None:
    assert SubjectKey(email="  Sam@Example.ORG ").email == "sam@example.org"
    assert SubjectKey(email="sam@example.org").describe() == (
        "The person with the email address sam@example.org"
    )
    child = SubjectKey(child=ChildIdentity("Alex Smith", BORN, NHS))
    assert child.describe() == "The child Alex Smith, born 27 March 2015, NHS number given"
    assert NHS not in child.describe()


def test_by_email_finds_nothing_for_a_key_without_an_email() -> None:
    find = by_email("email", "subscriber__email")
    assert find(SubjectKey(email="a@example.org")) == Q(email="a@example.org") | Q(
        subscriber__email="a@example.org"
    )
    assert find(SubjectKey(child=ChildIdentity("Alex Smith", BORN))) is None


def test_by_child_matches_on_nhs_number_or_name_and_date_of_birth_never_a_name_alone() -> None:
    with pytest.raises(ValueError, match="a name alone"):
        by_child(lookup_hash, name="name_lookup")
    find = by_child(lookup_hash, name="n", date_of_birth="d", nhs_number="h")
    assert find(SubjectKey(email="a@example.org")) is None
    assert find(SubjectKey(child=ChildIdentity("Alex Smith"))) is None
    assert find(SubjectKey(child=ChildIdentity("Alex Smith", nhs_number=NHS))) == Q(
        h=lookup_hash("nhs_number", NHS)
    )
    assert find(SubjectKey(child=ChildIdentity("ALEX  smith", BORN))) == Q(
        n=lookup_hash("name", "Alex Smith"), d=lookup_hash("date", "2015-03-27")
    )


# --- A parent's request for their child -------------------------------------------------------


class _TestOnlyDeclaration(ModelDeclaration):
    """The test model's app is not installed, so the declaration names the class itself."""

    @property
    def model(self) -> type[ChildRecord]:  # type: ignore[override]
        return ChildRecord


@pytest.fixture
def child_records_declared(
    child_record_table: None, monkeypatch: pytest.MonkeyPatch
) -> ModelDeclaration:
    # Not through declare(): that would leave it in the registry for the tests that follow.
    declaration = _TestOnlyDeclaration(
        model_label=LABEL,
        subject=Subject.ENQUIRER,
        purpose="rights_requests",
        retention="rights_request",
        subject_filter=by_child(lookup_hash, nhs_number="nhs_lookup"),
        keep_on_erasure="A review's record of a child is kept with the review.",
        fields={
            **not_personal("id", "row_key", "workspace", "nhs_lookup", "name_lookup"),
            "name": personal("user.name", encrypted=True),
            "notes": personal("user.content.private", encrypted=True),
            "born": personal("user.demographic.date_of_birth", encrypted=True),
            "nhs_number": personal("user.government_id", encrypted=True),
        },
    )
    monkeypatch.setitem(declarations._registry, "tests_protected.childrecord", declaration)
    monkeypatch.setattr(export, "_source", lambda model: "Recorded by a test review")
    return declaration


def _child(workspace: Workspace, name: str, nhs_number: str) -> ChildRecord:
    return ChildRecord.objects.create(
        workspace=workspace,
        name=name,
        born=BORN,
        nhs_number=nhs_number,
        nhs_lookup=lookup_hash("nhs_number", nhs_number),
        name_lookup=lookup_hash("name", name),
    )


def _child_request(kind: str = RequestKind.ACCESS) -> RightsRequest:
    parent = Person.objects.create(email=PARENT, full_name="Pat Parent")
    return RightsRequest.objects.create(
        person=parent,
        kind=kind,
        channel=RequestChannel.LETTER,
        status=RequestStatus.OPEN,
        subject=RequestSubject.CHILD,
        subject_authority="Parental responsibility: birth certificate seen",
        subject_name="Alex Smith",
        subject_date_of_birth=BORN,
        subject_nhs_number="9434765919",
    )


def _open(bundle: bytes) -> tuple[dict[str, Any], str]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return json.loads(archive.read("data.json")), archive.read("summary.html").decode()


@pytest.mark.django_db
def test_a_parents_request_for_a_child_finds_the_childs_records_not_the_parents(
    child_records_declared: ModelDeclaration, workspace: Workspace
) -> None:
    theirs = _child(workspace, "Alex Smith", NHS)
    _child(workspace, "Another Child", "401 023 2137")
    BookingFactory(email=PARENT)
    request = _child_request()

    data, summary = _open(export.build_export(request.person, request=request))

    assert list(data["records"]) == [LABEL]
    assert [row["id"] for row in data["records"][LABEL]["rows"]] == [str(theirs.pk)]
    assert "training.Booking" not in data["records"]
    assert "privacy.RightsRequest" not in data["records"]  # the parent's, not the child's
    assert "The child Alex Smith, born 27 March 2015" in data["requested_on_behalf_of"]
    assert "This request was made on behalf of someone else" in summary
    assert "The child Alex Smith" in summary
    assert subject_records(request) == [(f"{LABEL}:{theirs.pk}", f"Child record {theirs.pk}")]


@pytest.mark.django_db
def test_an_erasure_for_a_child_visits_only_the_records_that_can_be_the_childs(
    child_records_declared: ModelDeclaration, workspace: Workspace
) -> None:
    _child(workspace, "Alex Smith", NHS)
    BookingFactory(email=PARENT)
    request = _child_request(RequestKind.ERASURE)

    lines = {line.model: line for line in erasure_preview(request.subject_key())}

    assert set(lines) == {LABEL}
    assert lines[LABEL].found == lines[LABEL].kept == 1


@pytest.mark.django_db
def test_a_self_request_still_finds_the_requesters_own_records(
    child_records_declared: ModelDeclaration, workspace: Workspace
) -> None:
    _child(workspace, "Alex Smith", NHS)
    booking = BookingFactory(email=PARENT)
    parent = Person.objects.create(email=PARENT)
    request = RightsRequest.objects.create(
        person=parent, kind=RequestKind.ACCESS, channel=RequestChannel.WEB
    )

    data, summary = _open(export.build_export(parent, request=request))

    assert LABEL not in data["records"]
    assert [row["id"] for row in data["records"]["training.Booking"]["rows"]] == [str(booking.pk)]
    assert data["requested_on_behalf_of"] == "the requester themselves"
    assert "on behalf of someone else" not in summary


# --- Logging a request for a child ---------------------------------------------------------------


@pytest.mark.django_db
def test_staff_log_a_request_for_a_child_and_the_identity_is_stored_encrypted(
    administrator: Any,
) -> None:
    logged = rights_request_log(
        actor=administrator,
        kind=RequestKind.ACCESS,
        channel=RequestChannel.LETTER,
        received_on=timezone.localdate(),
        identity_note="Letter with a copy of a passport",
        email=PARENT,
        subject=RequestSubject.CHILD,
        subject_authority="Parental responsibility: birth certificate seen",
        subject_name="Alex Smith",
        subject_date_of_birth=BORN,
        subject_nhs_number=NHS,
    )

    stored = RightsRequest.objects.get(pk=logged.pk)
    assert stored.subject_key() == SubjectKey(child=ChildIdentity("Alex Smith", BORN, "9434765919"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT subject_name, subject_date_of_birth, subject_nhs_number "
            "FROM privacy_rightsrequest WHERE id = %s",
            [logged.pk],
        )
        raw = " ".join(str(value) for value in cursor.fetchone())
    assert "Alex" not in raw
    assert "2015" not in raw
    assert "9434765919" not in raw


@pytest.mark.django_db
def test_a_request_for_someone_else_needs_the_authority_and_enough_to_find_them(
    administrator: Any,
) -> None:
    common = {
        "actor": administrator,
        "kind": RequestKind.ACCESS,
        "channel": RequestChannel.PHONE,
        "received_on": timezone.localdate(),
        "identity_note": "Security questions",
        "email": PARENT,
    }
    with pytest.raises(ValidationError) as child:
        rights_request_log(**common, subject=RequestSubject.CHILD, subject_nhs_number="12345")
    assert child.value.message_dict == {
        "subject_authority": ["Enter the requester's authority to act for them"],
        "subject_name": ["Enter the child's full name"],
        "subject_nhs_number": ["NHS number must be 10 digits, like 943 476 5919"],
    }
    with pytest.raises(ValidationError) as adult:
        rights_request_log(**common, subject=RequestSubject.ADULT, subject_authority="LPA")
    assert adult.value.message_dict == {
        "subject_email": ["Enter the email address of the adult the request is for"]
    }
