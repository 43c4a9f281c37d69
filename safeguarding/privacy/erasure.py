"""Erasure (UK GDPR Article 17), carried out from the data inventory.

``rights_request_erase`` visits every declaration that can find the requester's rows (its
``subject_filter``, the same ones the access export reads) and, for each, decides:

- kept, if the declaration says its rows must survive an erasure (``keep_on_erasure``: the
  record of the request itself, the disclosure register, legal holds);
- kept, if the rows are about the requester as a member of staff (employment records are
  answered under the council's HR policy, not here);
- kept, if the retention rule keeps them (the audit trail: its entries about removed rows
  are redacted instead);
- kept, row by row, while a legal hold is on them, or on a record their deletion would take
  with it (a consent record under hold keeps its subscriber);
- otherwise deleted, or anonymised where the rule anonymises (the same fields the retention
  engine blanks). A rule that anonymises without naming fields cannot be applied safely: its
  rows are kept and the report says that a person must review them.

Audit entries about each removed or anonymised row, and about the records deleted with it,
are redacted, never deleted. The
``ErasureReport`` keeps, per record type, how many rows were removed, anonymised and kept and
why; it names no one, and is shown to staff and sent to the requester.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from safeguarding.audit.services import audit_log, audit_redact_for_target
from safeguarding.core.addresses import normalise_email
from safeguarding.inventory.declarations import ModelDeclaration
from safeguarding.inventory.retention_rules import Action
from safeguarding.inventory.taxonomy import Subject
from safeguarding.privacy.export import subject_declarations
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from safeguarding.privacy.models.rights_outcomes import ErasureReport
from safeguarding.privacy.retention import (
    HeldMeanwhile,
    RetentionPlan,
    anonymise_records,
    delete_records,
    held_pks,
    retention_plans,
    without_held_dependents,
)

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

STAFF_RECORDS = (
    "Records of your work as a member of staff are kept under the council's employment "
    "records policy; ask its HR service about them."
)
UNDER_LEGAL_HOLD = "Kept under a legal hold: a legal matter needs them for now."
NEEDS_REVIEW = (
    "These cannot be anonymised automatically; a member of staff will review them and tell "
    "you what was done."
)
DEPENDED_ON = "Other records we must keep depend on these."


@dataclass
class ErasureLine:
    model: str
    name: str
    found: int = 0
    removed: int = 0
    anonymised: int = 0
    kept: int = 0
    reason: str = ""


def erase_subject(email: str, *, reason: str) -> list[ErasureLine]:
    """Erase what may go for the person with this address; one line per declaration visited
    (every one with a subject filter), in the caller's transaction."""
    email = normalise_email(email)
    plans = {plan.model_label: plan for plan in retention_plans()}
    return [
        _erase(declaration, plans.get(declaration.model_label), email, reason=reason)
        for declaration in subject_declarations()
    ]


def _why_kept(declaration: ModelDeclaration, plan: RetentionPlan | None) -> str:
    if declaration.keep_on_erasure:
        return declaration.keep_on_erasure
    if declaration.subject is Subject.STAFF:
        return STAFF_RECORDS
    if plan is None or plan.rule.action is Action.KEEP:
        return (plan.rule.reason if plan else "") or "Kept for as long as the service runs."
    if plan.rule.action is Action.ANONYMISE and plan.anonymised_values is None:
        return NEEDS_REVIEW
    return ""


def _erase(
    declaration: ModelDeclaration, plan: RetentionPlan | None, email: str, *, reason: str
) -> ErasureLine:
    model = declaration.model
    assert declaration.subject_filter is not None  # noqa: S101  (subject_declarations())
    line = ErasureLine(
        model=declaration.model_label, name=str(model._meta.verbose_name_plural).capitalize()
    )
    pks = list(
        model._base_manager.filter(declaration.subject_filter(email))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    line.found = len(pks)
    if not pks:
        return line
    why = _why_kept(declaration, plan)
    if why:
        line.kept, line.reason = len(pks), why
        return line
    assert plan is not None  # noqa: S101  (no plan means kept, above)
    held = held_pks(model)
    going = [pk for pk in pks if pk not in held]
    if plan.rule.action is Action.DELETE:
        # Also kept: rows whose deletion would take a held record with it.
        going = without_held_dependents(model, going)
    if len(going) < len(pks):
        line.kept, line.reason = len(pks) - len(going), UNDER_LEGAL_HOLD
    if not going:
        return line
    if plan.rule.action is Action.ANONYMISE:
        line.anonymised = anonymise_records(plan, going)
    else:
        try:
            with transaction.atomic():
                delete_records(model, going, reason=reason)
        except (ProtectedError, RestrictedError):
            line.kept += len(going)
            line.reason = " ".join(filter(None, [line.reason, DEPENDED_ON]))
            return line
        except HeldMeanwhile:
            line.kept += len(going)
            line.reason = UNDER_LEGAL_HOLD
            return line
        line.removed = len(going)
    for pk in going:
        audit_redact_for_target(
            target_type=model._meta.label_lower, target_id=pk, actor=None, reason=reason
        )
    return line


def rights_request_erase(*, request: RightsRequest, actor: User) -> ErasureReport:
    """Carry out an erasure request and record the report; the requester is emailed it when
    the request is completed (``rights_request_complete``), which this does too."""
    from safeguarding.privacy.rights_services import rights_request_complete

    if request.kind != RequestKind.ERASURE:
        raise ValidationError("Only an erasure request can be carried out this way.")
    if not request.is_running:
        raise ValidationError("This request is already closed.")
    if not request.person.email:
        raise ValidationError(
            "We have no email address for this requester, so their records cannot be found "
            "automatically."
        )
    with transaction.atomic():
        locked = RightsRequest.objects.select_for_update().get(pk=request.pk)
        if ErasureReport.objects.filter(request=locked).exists():
            raise ValidationError("This erasure has already been carried out.")
        lines = erase_subject(request.person.email, reason=f"Erasure request {request.reference}")
        found = [line for line in lines if line.found]
        report = ErasureReport(
            request=locked, carried_out_by=actor, lines=[_public(line) for line in found]
        )
        report.full_clean()
        report.save()
        audit_log(
            action="privacy.rights_request.erased",
            actor=actor,
            target=locked,
            details={
                "report": report.pk,
                "removed": sum(line.removed for line in found),
                "anonymised": sum(line.anonymised for line in found),
                "kept": sum(line.kept for line in found),
            },
        )
        rights_request_complete(
            request=locked,
            outcome="Erasure carried out; the report was sent to the requester.",
            actor=actor,
        )
    return report


def _public(line: ErasureLine) -> dict[str, Any]:
    data = asdict(line)
    data.pop("found")
    return data
