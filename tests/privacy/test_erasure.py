"""Erasure carried out from the data inventory: what may go goes, the rest is kept and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_log
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.models.identity import (
    Authorisation,
    AuthorisationKind,
    AuthorisationUse,
    CallerVerification,
    DisclosureRecord,
    LegalBasis,
    SecurityQuestion,
    VerificationOutcome,
)
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.privacy.models.rights import RequestKind, RequestStatus, RightsRequest
from safeguarding.privacy.models.rights_outcomes import ErasureReport
from safeguarding.privacy.rights.erasure import (
    STAFF_RECORDS,
    UNDER_LEGAL_HOLD,
    erase_subject,
    rights_request_erasure_approve,
    rights_request_erasure_prepare,
)
from safeguarding.privacy.rights.export import subject_declarations
from safeguarding.privacy.rights.selectors import about_a_staff_account
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.privacy.access_rights import open_request

CONFIRMED = {"confirm": "on"}


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD)


def erase(request: RightsRequest) -> ErasureReport:
    """Carry out an erasure as the service requires: prepared by one person, approved by a
    second (data protection leads; administrators for a member of staff's own account)."""
    role = (
        Role.PARTNERSHIP_ADMINISTRATOR
        if about_a_staff_account(request)
        else Role.DATA_PROTECTION_LEAD
    )
    prepared = rights_request_erasure_prepare(request=request, actor=UserFactory(roles=[str(role)]))
    return rights_request_erasure_approve(prepared=prepared, actor=UserFactory(roles=[str(role)]))


def _verification(person: Person, staff: User) -> CallerVerification:
    now = timezone.now()
    return CallerVerification.objects.create(
        person=person,
        staff=staff,
        question_keys=["first_pet", "first_car"],
        started_at=now,
        outcome=VerificationOutcome.PASSED,
        completed_at=now,
    )


def _held(record: CallerVerification, staff: User) -> LegalHold:
    return LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=str(record.pk),
        reason="A claim about this call",
        authority="Claim 42",
        review_date=timezone.localdate() + timedelta(days=90),
        placed_by=staff,
    )


def _populate(person: Person, staff: User) -> dict[str, object]:
    SecurityQuestion.objects.create(person=person, question="first_pet", answer_hash="argon2$x")
    authorisation = Authorisation.objects.create(
        person=person,
        kind=AuthorisationKind.WRITTEN,
        authorised_party="A solicitor",
        scope="Everything",
        document_reference="DOC",
        expires_at=timezone.now() + timedelta(days=90),
        recorded_by=staff,
    )
    AuthorisationUse.objects.create(authorisation=authorisation, used_by=staff)
    disclosure = DisclosureRecord.objects.create(
        person=person,
        requester_organisation="Court",
        requester="The court",
        legal_basis=LegalBasis.COURT_ORDER,
        what_disclosed="Records",
        disclosed_on=timezone.localdate(),
        recorded_by=staff,
        approved_by=UserFactory(),
        approved_at=timezone.now(),
    )
    return {"disclosure": disclosure, "verification": _verification(person, staff)}


@pytest.mark.django_db
def test_every_declaration_that_can_find_a_subject_is_visited(staff: User) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.ERASURE)
    _populate(request.person, staff)

    lines = erase_subject("me@example.org", reason="test")

    # Every kind of record that can be about an address (records about a child known by name,
    # date of birth and NHS number cannot), in the inventory's order.
    key = SubjectKey(email="me@example.org")
    assert [line.model for line in lines] == [
        d.model_label
        for d in subject_declarations()
        if d.subject_filter is not None and d.subject_filter(key) is not None
    ]
    assert "training.Booking" in [line.model for line in lines]
    for line in lines:
        assert line.removed + line.anonymised + line.kept == line.found, line
        assert not line.kept or line.reason, f"{line.model} kept rows without saying why"


@pytest.mark.django_db
def test_erasure_removes_what_may_go_and_keeps_the_rest_with_reasons(staff: User) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.ERASURE)
    made = _populate(request.person, staff)
    held = _verification(request.person, staff)
    _held(held, staff)
    audit_log(action="tests.thing.viewed", actor=staff, target=made["verification"])  # type: ignore[arg-type]
    other = open_request(email="them@example.org", kind=RequestKind.ACCESS)
    theirs = _verification(other.person, staff)

    report = erase(request)

    assert not SecurityQuestion.objects.filter(person=request.person).exists()
    assert not Authorisation.objects.filter(person=request.person).exists()
    assert not AuthorisationUse.objects.exists()
    assert list(CallerVerification.objects.order_by("pk")) == [held, theirs]
    assert DisclosureRecord.objects.filter(pk=made["disclosure"].pk).exists()  # type: ignore[attr-defined]
    assert Person.objects.filter(pk=request.person_id).exists()
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    lines = {line["model"]: line for line in report.lines}
    assert lines["privacy.CallerVerification"] == {
        "model": "privacy.CallerVerification",
        "name": "Caller verifications",
        "removed": 1,
        "anonymised": 0,
        "kept": 1,
        "reason": UNDER_LEGAL_HOLD,
    }
    assert lines["privacy.DisclosureRecord"]["kept"] == 1
    assert "disclosure register" in lines["privacy.DisclosureRecord"]["reason"]
    assert lines["privacy.RightsRequest"]["kept"] == 1
    assert lines["privacy.PreparedErasure"]["kept"] == 1  # the record of who agreed to it
    assert lines["privacy.SecurityQuestion"]["removed"] == 1
    # The audit trail keeps the entry about the removed call, redacted.
    entry = AuditEntry.objects.get(action="tests.thing.viewed")
    assert entry.redacted_at is not None
    erased = AuditEntry.objects.get(action="privacy.rights_request.erased")
    assert erased.details == {"report": report.pk, "removed": 3, "anonymised": 0, "kept": 5}
    assert "me@example.org" not in str(erased.details)


@pytest.mark.django_db
def test_records_about_a_staff_member_are_kept(staff: User) -> None:
    person = Person.objects.create(email=staff.email)
    request = open_request(email=staff.email, kind=RequestKind.ERASURE)
    assert request.person == person

    report = erase(request)

    lines = {line["model"]: line for line in report.lines}
    assert lines["accounts.User"]["kept"] == 1
    assert lines["accounts.User"]["reason"] == STAFF_RECORDS
    staff.refresh_from_db()
    assert staff.is_active


@pytest.mark.django_db
def test_only_an_open_erasure_request_can_be_carried_out_and_only_once(staff: User) -> None:
    access = open_request(email="me@example.org", kind=RequestKind.ACCESS)
    with pytest.raises(ValidationError, match="Only an erasure request"):
        rights_request_erasure_prepare(request=access, actor=staff)

    erasure = open_request(email="me@example.org", kind=RequestKind.ERASURE)
    erase(erasure)
    erasure.refresh_from_db()
    with pytest.raises(ValidationError, match="already closed"):
        rights_request_erasure_prepare(request=erasure, actor=staff)
    assert ErasureReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_lead_prepares_a_second_approves_and_the_requester_gets_the_report(
    client: Client,
    staff: User,
    make_user: Callable[..., User],
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    sign_in(client, staff)
    request = open_request(email="me@example.org", kind=RequestKind.ERASURE)
    SecurityQuestion.objects.create(person=request.person, question="first_pet", answer_hash="x")

    assert client.get(reverse("rights:erase", args=[request.pk])).status_code == 200
    response = client.post(reverse("rights:erase", args=[request.pk]), {"confirm": "on"})
    assert response.status_code == 302
    assert SecurityQuestion.objects.filter(person=request.person).exists()  # not yet
    approver = Client()
    sign_in(approver, make_user(Role.DATA_PROTECTION_LEAD))
    response = approver.post(reverse("rights:erasure_approve", args=[request.pk]), CONFIRMED)

    assert response.status_code == 302
    page = client.get(reverse("rights:detail", args=[request.pk])).content.decode()
    assert "Erasure report" in page
    assert "Security questions" in page
    run_tasks()
    assert [m.to for m in mailoutbox] == [["me@example.org"]]
    body = str(mailoutbox[0].body)
    assert "Security questions: 1 deleted" in body
    assert "Rights request: 1 kept. The record of your request" in body
    assert RightsRequest.objects.get(pk=request.pk).status == RequestStatus.COMPLETED


def test_erasure_keeps_a_record_whose_deletion_would_take_a_held_record_with_it(
    make_user: Callable[..., User],
) -> None:
    """A hold on a newsletter consent record keeps the subscriber it belongs to."""
    from safeguarding.newsletter.models import Consent, Subscriber
    from safeguarding.privacy.retention.services import legal_hold_place
    from tests.newsletter.factories import confirmed_subscriber

    subscriber = confirmed_subscriber("held.reader@example.net")
    consent = subscriber.consents.get()
    legal_hold_place(
        model_label="newsletter.Consent",
        record_id=str(consent.pk),
        reason="Complaint about this sign-up",
        authority="ICO case reference",
        review_date=timezone.localdate() + timedelta(days=90),
        actor=make_user(Role.DATA_PROTECTION_LEAD),
    )

    lines = {line.model: line for line in erase_subject("held.reader@example.net", reason="Test")}

    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert Consent.objects.filter(pk=consent.pk).exists()
    assert lines["newsletter.Subscriber"].kept == 1
    assert lines["newsletter.Subscriber"].removed == 0
