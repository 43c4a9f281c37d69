"""Reads of the disclosure register: the staff page, and what a subject's access export
shows of the disclosures made about them."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, Value, When
from django.utils import timezone

from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.identity import DisclosureRecord, LegalBasis
from safeguarding.privacy.models.person import Person

DISCLOSURES_PER_PAGE = 25


def disclosures_page(page_number: str | int | None) -> Page[DisclosureRecord]:
    # Entries awaiting approval first, then the most recent.
    queryset = DisclosureRecord.objects.select_related(
        "person", "recorded_by", "approved_by"
    ).order_by(
        Case(When(approved_at__isnull=True, then=Value(0)), default=Value(1)),
        "-disclosed_on",
        "-pk",
    )
    return Paginator(queryset, DISCLOSURES_PER_PAGE).get_page(page_number)


def _approver_role(record: DisclosureRecord) -> str:
    if record.approved_by is None:
        return ""
    names = set(record.approved_by.groups.values_list("name", flat=True))
    for role in (Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR):
        if str(role) in names:
            return str(role)
    return "Partnership staff"


def disclosures_for_subject_export(person: Person) -> list[dict[str, Any]]:
    """The approved disclosures about this person that they may see, as plain values.

    Entries withheld under an exemption, and entries still awaiting approval, are left out.
    Staff are named by role only.
    """
    records = (
        DisclosureRecord.objects.filter(
            person=person, approved_at__isnull=False, withhold_from_subject=False
        )
        .select_related("approved_by")
        .order_by("disclosed_on", "pk")
    )
    return [
        {
            "disclosed_on": record.disclosed_on.isoformat(),
            "requester_organisation": record.requester_organisation,
            "requester": record.requester,
            "legal_basis": LegalBasis(record.legal_basis).label,
            "legal_basis_description": record.legal_basis_description,
            "what_disclosed": record.what_disclosed,
            "approved_on": timezone.localdate(record.approved_at).isoformat()
            if record.approved_at
            else "",
            "approved_by": _approver_role(record),
        }
        for record in records
    ]
