"""The disclosure register (P07): basis, requester, what, approver; in the subject's export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.inventory.declarations import declaration_for
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.disclosures.selectors import disclosures_for_subject_export
from safeguarding.privacy.disclosures.services import disclosure_approve, disclosure_record
from safeguarding.privacy.models.identity import DisclosureRecord, LegalBasis
from safeguarding.privacy.models.person import Person
from tests.conftest import sign_in
from tests.date_input import as_date_boxes

pytestmark = pytest.mark.django_db

NEW = reverse("disclosures:disclosure_new")


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD)


@pytest.fixture
def second_lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNERSHIP_ADMINISTRATOR)


def _record(actor: User, **overrides: Any) -> DisclosureRecord:
    values: dict[str, Any] = {
        "email": "sam@example.org",
        "requester_organisation": "Norfolk Constabulary",
        "requester": "DC 1234 Smith",
        "legal_basis": LegalBasis.POLICE_CRIME,
        "legal_basis_description": "",
        "what_disclosed": "Dates Sam attended training in 2026",
        "disclosed_on": timezone.localdate(),
        "withhold_from_subject": False,
        "exemption_reason": "",
        **overrides,
    }
    return disclosure_record(actor=actor, **values)


def _form(**overrides: str) -> dict[str, str]:
    return as_date_boxes(
        {
            "email": "sam@example.org",
            "requester_organisation": "Norfolk County Court",
            "requester": "The court",
            "legal_basis": "court_order",
            "legal_basis_description": "Order ref NR-2026-77",
            "what_disclosed": "Training attendance records",
            "disclosed_on": timezone.localdate().strftime("%d/%m/%Y"),
            **overrides,
        },
        "disclosed_on",
    )


def test_a_disclosure_is_recorded_and_waits_for_approval(client: Client, lead: User) -> None:
    sign_in(client, lead)

    response = client.post(NEW, _form())

    record = DisclosureRecord.objects.get()
    assert response["Location"] == reverse("disclosures:disclosure", args=[record.public_id])
    assert record.awaiting_approval
    assert record.recorded_by == lead
    assert record.person.email == "sam@example.org"
    assert not record.withhold_from_subject
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting approval" in page
    assert "You recorded this disclosure, so someone else must approve it" in page
    assert "Approve this disclosure" not in page
    entry = AuditEntry.objects.get(action="privacy.disclosure.recorded")
    assert "sam@" not in repr(entry.details)


def test_the_person_who_recorded_a_disclosure_cannot_approve_it(client: Client, lead: User) -> None:
    record = _record(lead)
    sign_in(client, lead)

    response = client.post(reverse("disclosures:disclosure", args=[record.public_id]))

    assert response.status_code == 200
    assert "someone else must approve it" in response.content.decode()
    record.refresh_from_db()
    assert record.awaiting_approval
    with pytest.raises(ValidationError):
        disclosure_approve(disclosure=record, actor=lead)


def test_a_second_lead_approves_a_disclosure(client: Client, lead: User, second_lead: User) -> None:
    record = _record(lead)
    sign_in(client, second_lead)

    response = client.post(reverse("disclosures:disclosure", args=[record.public_id]))

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.approved_by == second_lead
    assert record.approved_at is not None
    assert AuditEntry.objects.filter(action="privacy.disclosure.approved").count() == 1
    with pytest.raises(ValidationError, match="already been approved"):
        disclosure_approve(disclosure=record, actor=second_lead)


def test_only_a_lead_or_administrator_may_approve(
    lead: User, make_user: Callable[..., User]
) -> None:
    record = _record(lead)

    with pytest.raises(PermissionDenied):
        disclosure_approve(disclosure=record, actor=make_user(Role.TRAINING_COORDINATOR))

    record.refresh_from_db()
    assert record.awaiting_approval


def test_the_database_refuses_self_approval_too(lead: User) -> None:
    record = _record(lead)

    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureRecord.objects.filter(pk=record.pk).update(approved_by=lead)


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"legal_basis": "other", "legal_basis_description": ""}, "Describe the legal basis"),
        ({"legal_basis": ""}, "Choose the legal basis"),
        (
            {"withhold_from_subject": "on", "exemption_reason": ""},
            "Give the exemption that allows withholding this",
        ),
        (
            {"disclosed_on": (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")},
            "The date of disclosure must be today or in the past",
        ),
        ({"what_disclosed": ""}, "Enter what was disclosed"),
        ({"email": "sam"}, "Enter an email address in the correct format"),
    ],
)
def test_bad_disclosures_get_form_errors(
    client: Client, lead: User, change: dict[str, str], error: str
) -> None:
    sign_in(client, lead)

    response = client.post(NEW, _form(**change))

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not DisclosureRecord.objects.exists()


def test_the_service_refuses_other_without_a_description(lead: User) -> None:
    with pytest.raises(ValidationError) as raised:
        _record(lead, legal_basis=LegalBasis.OTHER)

    assert "legal_basis_description" in raised.value.message_dict


def test_the_subject_export_has_approved_disclosures_that_are_not_withheld(
    lead: User, second_lead: User
) -> None:
    shown = _record(lead)
    disclosure_approve(disclosure=shown, actor=second_lead)
    withheld = _record(
        lead,
        withhold_from_subject=True,
        exemption_reason="DPA 2018 Sch 2 para 2: investigation ongoing",
    )
    disclosure_approve(disclosure=withheld, actor=second_lead)
    _record(lead, requester="Awaiting approval")
    person = Person.objects.get(email="sam@example.org")

    export = disclosures_for_subject_export(person)

    assert export == [
        {
            "disclosed_on": shown.disclosed_on.isoformat(),
            "requester_organisation": "Norfolk Constabulary",
            "requester": "DC 1234 Smith",
            "legal_basis": LegalBasis.POLICE_CRIME.label,
            "legal_basis_description": "",
            "what_disclosed": "Dates Sam attended training in 2026",
            "approved_on": timezone.localdate().isoformat(),
            "approved_by": "Partnership administrator",
        }
    ]
    declaration = declaration_for(DisclosureRecord)
    assert declaration is not None
    assert declaration.subject_filter is not None
    found = DisclosureRecord.objects.filter(
        declaration.subject_filter(SubjectKey(email="sam@example.org"))
    )
    assert list(found) == [shown]


def test_the_register_lists_entries_awaiting_approval_first(
    client: Client, lead: User, second_lead: User
) -> None:
    approved = _record(lead, requester_organisation="Approved org")
    disclosure_approve(disclosure=approved, actor=second_lead)
    _record(
        lead,
        requester_organisation="Waiting org",
        disclosed_on=timezone.localdate() - timedelta(days=10),
    )
    sign_in(client, lead)

    page = client.get(reverse("disclosures:disclosures")).content.decode()

    assert page.index("Waiting org") < page.index("Approved org")


def test_a_review_panel_member_cannot_see_the_register(
    client: Client, make_user: Callable[..., User], lead: User
) -> None:
    record = _record(lead)
    sign_in(client, make_user(Role.REVIEW_PANEL_MEMBER))

    assert client.get(reverse("disclosures:disclosures")).status_code == 403
    assert (
        client.post(reverse("disclosures:disclosure", args=[record.public_id])).status_code == 403
    )


def test_reading_the_register_and_a_disclosure_is_audited_with_its_purpose(
    client: Client, lead: User
) -> None:
    record = _record(lead)
    sign_in(client, lead)

    client.get(reverse("disclosures:disclosures"))
    client.get(reverse("disclosures:disclosure", args=[record.public_id]))

    register = AuditEntry.objects.get(action="privacy.disclosure_register.read")
    assert register.details == {"purpose": "keeping the disclosure register", "records": 1}
    one = AuditEntry.objects.get(action="privacy.disclosure.read")
    assert (one.actor_id, one.target_id) == (lead.pk, str(record.pk))
    assert "Smith" not in str(one.details)


def test_a_disclosure_is_addressed_by_a_random_public_id_and_shows_no_record_id(
    client: Client, lead: User, second_lead: User
) -> None:
    first, second = _record(lead), _record(lead)
    sign_in(client, second_lead)

    register = client.get(reverse("disclosures:disclosures")).content.decode()
    page = client.get(reverse("disclosures:disclosure", args=[first.public_id])).content.decode()

    assert first.public_id != second.public_id
    for record in (first, second):
        assert reverse("disclosures:disclosure", args=[record.public_id]) in register
    assert f"Disclosure {first.pk}" not in page
    assert client.get(f"/staff/disclosures/{first.pk}/").status_code == 404
