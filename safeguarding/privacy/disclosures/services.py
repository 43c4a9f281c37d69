"""Changes to the disclosure register (P07): disclosures required by law, each approved by a
second person and shown in the subject's access export unless an exemption applies.

Each change is one transaction with its own audit entry; audit details hold ids and the legal
basis only, never a name or free text.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core.addresses import normalise_email
from safeguarding.privacy.approvals import require_second_person
from safeguarding.privacy.models.identity import DisclosureRecord, LegalBasis
from safeguarding.privacy.models.person import Person

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


def disclosure_record(
    *,
    email: str,
    requester_organisation: str,
    requester: str,
    legal_basis: str,
    legal_basis_description: str,
    what_disclosed: str,
    disclosed_on: date,
    withhold_from_subject: bool,
    exemption_reason: str,
    actor: User,
) -> DisclosureRecord:
    """Record a disclosure; it waits for a second person's approval."""
    errors: dict[str, str] = {}
    if legal_basis == LegalBasis.OTHER and not legal_basis_description.strip():
        errors["legal_basis_description"] = "Describe the legal basis"
    if withhold_from_subject and not exemption_reason.strip():
        errors["exemption_reason"] = "Give the exemption that allows withholding this"
    if disclosed_on > timezone.localdate():
        errors["disclosed_on"] = "The date of the disclosure must be today or in the past"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        person, created = Person.objects.get_or_create(email=normalise_email(email))
        record = DisclosureRecord(
            person=person,
            requester_organisation=requester_organisation.strip(),
            requester=requester.strip(),
            legal_basis=legal_basis,
            legal_basis_description=legal_basis_description.strip(),
            what_disclosed=what_disclosed.strip(),
            disclosed_on=disclosed_on,
            recorded_by=actor,
            withhold_from_subject=withhold_from_subject,
            exemption_reason=exemption_reason.strip() if withhold_from_subject else "",
        )
        record.full_clean()
        record.save()
        audit_log(
            action="privacy.disclosure.recorded",
            actor=actor,
            target=record,
            details={
                "person": person.pk,
                "new_person": created,
                "legal_basis": legal_basis,
                "withheld_from_subject": withhold_from_subject,
            },
        )
    return record


def disclosure_approve(*, disclosure: DisclosureRecord, actor: User) -> None:
    """Approve a disclosure: only a data protection lead or partnership administrator, and
    never the person who recorded it."""
    require_second_person(actor, recorded_by_id=disclosure.recorded_by_id, what="disclosure")
    with transaction.atomic(durable=True):
        current = DisclosureRecord.objects.select_for_update().get(pk=disclosure.pk)
        if current.approved_at is not None:
            raise ValidationError("This disclosure has already been approved.")
        current.approved_by = actor
        current.approved_at = timezone.now()
        current.save(update_fields=["approved_by", "approved_at"])
        audit_log(
            action="privacy.disclosure.approved",
            actor=actor,
            target=current,
            details={"person": current.person_id},
        )
    disclosure.refresh_from_db()
