"""Erasure (UK GDPR Article 17), carried out from the data inventory.

``erase_subject`` visits every declaration that can find the requester's rows (its
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

Erasure takes two people: ``rights_request_erasure_prepare`` records what one person prepared
(``erasure_preview`` shows what would go and what would be kept, without doing it), and only
``rights_request_erasure_approve``, by a different data protection lead or administrator
(for a request about a member of staff's own account, another administrator), carries it
out, in the approver's request.

Audit entries about each removed or anonymised row, and about the records deleted with it,
are redacted, never deleted. The
``ErasureReport`` keeps, per record type, how many rows were removed, anonymised and kept and
why; it names no one, and is shown to staff and sent to the requester.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.audit.services import audit_log, audit_redact_for_target
from safeguarding.inventory.declarations import ModelDeclaration
from safeguarding.inventory.retention_rules import Action
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.inventory.taxonomy import Subject
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from safeguarding.privacy.models.rights_outcomes import (
    ERASURE_ALREADY_WAITING,
    ErasureReport,
    PreparedErasure,
)
from safeguarding.privacy.retention.engine import (
    HeldMeanwhile,
    RetentionPlan,
    anonymise_records,
    delete_records,
    held_pks,
    retention_plans,
    without_held_dependents,
)
from safeguarding.privacy.rights.export import subject_declarations
from safeguarding.privacy.rights.selectors import may_handle
from safeguarding.privacy.rights.services import complete_within
from safeguarding.privacy.two_person import (
    TwoPersonKind,
    save_new,
    two_person_approve,
    two_person_reject,
    two_person_withdraw,
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


@dataclass(frozen=True)
class GoingRecord:
    """One record an erasure would remove or anonymise, in words, and what that changes for
    someone else ("Upcoming: the place is freed and offered to anyone waiting, and the
    trainer is told"), if anything."""

    what: str
    effect: str = ""


# A preview lists at most this many records of one type one by one (the counts are exact).
RECORDS_LISTED = 50


@dataclass
class ErasureLine:
    model: str
    name: str
    found: int = 0
    removed: int = 0
    anonymised: int = 0
    kept: int = 0
    reason: str = ""
    going: list[GoingRecord] = field(default_factory=list)  # a preview's, never reported


def _key(subject: str | SubjectKey) -> SubjectKey:
    return subject if isinstance(subject, SubjectKey) else SubjectKey.for_email(subject)


def erase_subject(subject: str | SubjectKey, *, reason: str) -> list[ErasureLine]:
    """Erase what may go for the subject (an address, or a request's ``subject_key()``); one
    line per declaration visited (every one with a subject filter that can find such a
    subject), in the caller's transaction."""
    key = _key(subject)
    plans = {plan.model_label: plan for plan in retention_plans()}
    return [
        _erase(declaration, plans.get(declaration.model_label), key, reason=reason)
        for declaration in subject_declarations()
        if _finds(declaration, key)
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


def _finds(declaration: ModelDeclaration, key: SubjectKey) -> bool:
    """Whether this kind of record can be about such a subject at all."""
    return declaration.subject_filter is not None and declaration.subject_filter(key) is not None


def _sorted(
    declaration: ModelDeclaration, plan: RetentionPlan | None, key: SubjectKey
) -> tuple[ErasureLine, list[Any]]:
    """The line for one declaration with what is kept and why, and the keys that may go."""
    model = declaration.model
    assert declaration.subject_filter is not None  # noqa: S101  (subject_declarations())
    line = ErasureLine(
        model=declaration.model_label,
        name=declaration.label or str(model._meta.verbose_name_plural).capitalize(),
    )
    found = declaration.subject_filter(key)
    assert found is not None  # noqa: S101  (_finds)
    pks = list(model._base_manager.filter(found).order_by("pk").values_list("pk", flat=True))
    line.found = len(pks)
    if not pks:
        return line, []
    why = _why_kept(declaration, plan)
    if why:
        line.kept, line.reason = len(pks), why
        return line, []
    assert plan is not None  # noqa: S101  (no plan means kept, above)
    held = held_pks(model)
    going = [pk for pk in pks if pk not in held]
    if plan.rule.action is Action.DELETE:
        # Also kept: rows whose deletion would take a held record with it.
        going = without_held_dependents(model, going)
    if len(going) < len(pks):
        line.kept, line.reason = len(pks) - len(going), UNDER_LEGAL_HOLD
    return line, going


def erasure_preview(subject: str | SubjectKey) -> list[ErasureLine]:
    """What ``erase_subject`` would do now, without doing it: a line for each record type
    holding something about the person. Records that other records we keep depend on are
    found only when the erasure runs (the report then says so)."""
    key = _key(subject)
    plans = {plan.model_label: plan for plan in retention_plans()}
    lines = []
    for declaration in subject_declarations():
        if not _finds(declaration, key):
            continue
        plan = plans.get(declaration.model_label)
        line, going = _sorted(declaration, plan, key)
        if going and plan is not None and plan.rule.action is Action.ANONYMISE:
            line.anonymised = len(going)
        else:
            line.removed = len(going)
        line.going = [
            GoingRecord(
                what=declaration.row_in_words(row),
                effect=declaration.erasure_effect(row) if declaration.erasure_effect else "",
            )
            for row in _rows(declaration, going[:RECORDS_LISTED])
        ]
        if line.found:
            lines.append(line)
    return lines


def _rows(declaration: ModelDeclaration, pks: list[Any]) -> list[Any]:
    rows = declaration.model._base_manager.filter(pk__in=pks).order_by("pk")
    if declaration.related:
        rows = rows.select_related(*declaration.related)
    return list(rows)


def erasure_effects(lines: list[ErasureLine]) -> list[GoingRecord]:
    """The records whose erasure changes something for someone else, to show first."""
    return [record for line in lines for record in line.going if record.effect]


def _erase(
    declaration: ModelDeclaration, plan: RetentionPlan | None, key: SubjectKey, *, reason: str
) -> ErasureLine:
    model = declaration.model
    line, going = _sorted(declaration, plan, key)
    if not going:
        return line
    assert plan is not None  # noqa: S101  (no plan means kept)
    if plan.rule.action is Action.ANONYMISE:
        _tell_the_owner(declaration, going)
        line.anonymised = anonymise_records(plan, going)
    else:
        try:
            with transaction.atomic():
                _tell_the_owner(declaration, going)  # undone with the delete, if refused
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


def _tell_the_owner(declaration: ModelDeclaration, pks: list[Any]) -> None:
    """The owning app's ``on_erasure``, with the rows about to go (it queues its emails)."""
    if declaration.on_erasure is not None:
        declaration.on_erasure(_rows(declaration, pks))


def _check_erasable(request: RightsRequest) -> None:
    if request.kind != RequestKind.ERASURE:
        raise ValidationError("Only an erasure request can be carried out this way.")
    if not request.is_running:
        raise ValidationError("This request is already closed.")
    unfindable = request.subject_unfindable()
    if unfindable:
        raise ValidationError(unfindable)
    if ErasureReport.objects.filter(request=request).exists():
        raise ValidationError("This erasure has already been carried out.")


ERASURE = TwoPersonKind(
    audit="privacy.rights_request.erasure",
    own_approval="You prepared this erasure: a second person must approve it.",
    own_rejection="You prepared this erasure: withdraw it instead.",
    reason_needed="Enter why you are rejecting the erasure",
    decided="This erasure has already been decided.",
    not_own_withdrawal="Only the person who prepared an erasure can withdraw it.",
)


def _check_may_handle(actor: User, request: RightsRequest, roles: tuple[Role, ...]) -> None:
    if not may_handle(actor, request, roles):
        raise ValidationError("You cannot act on this request.")


def rights_request_erasure_prepare(
    *, request: RightsRequest, actor: User, reason: str = ""
) -> PreparedErasure:
    """Prepare an erasure: nothing is erased until a different data protection lead or
    administrator approves it (``rights_request_erasure_approve``)."""
    _check_may_handle(actor, request, (Role.DATA_PROTECTION_LEAD,))
    with transaction.atomic(durable=True):
        locked = (
            RightsRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
        )
        _check_erasable(locked)
        prepared = save_new(
            PreparedErasure(request=locked, reason=reason.strip(), proposed_by=actor),
            already_waiting=ERASURE_ALREADY_WAITING,
        )
        preview = erasure_preview(locked.subject_key())
        audit_log(
            action="privacy.rights_request.erasure_prepared",
            actor=actor,
            target=prepared,
            details={**prepared.audit_details(), **_totals(preview)},
        )
    return prepared


def rights_request_erasure_approve(*, prepared: PreparedErasure, actor: User) -> ErasureReport:
    """A second person approves a prepared erasure, and it is carried out now, in this
    transaction. Approving one's own preparation is refused, and the attempt is audited."""
    return two_person_approve(
        prepared,
        actor=actor,
        kind=ERASURE,
        may_decide=lambda user: _check_may_handle(user, prepared.request, DATA_PROTECTION_ROLES),
        carry_out=lambda prepared: _erase_request(request=prepared.request, actor=actor),
    )


def rights_request_erasure_reject(
    *, prepared: PreparedErasure, reason: str, actor: User
) -> PreparedErasure:
    """A second person turns a prepared erasure down, saying why; nothing is erased."""
    return two_person_reject(
        prepared,
        reason=reason,
        actor=actor,
        kind=ERASURE,
        may_decide=lambda user: _check_may_handle(user, prepared.request, DATA_PROTECTION_ROLES),
    )


def rights_request_erasure_withdraw(*, prepared: PreparedErasure, actor: User) -> PreparedErasure:
    """The person who prepared an erasure takes it back while it waits for approval."""
    return two_person_withdraw(prepared, actor=actor, kind=ERASURE)


def _erase_request(*, request: RightsRequest, actor: User) -> ErasureReport:
    """Carry out an erasure request and record the report; the requester is emailed it when
    the request is completed (``rights_request_complete``), which this does too. Only an
    approval calls this."""

    with transaction.atomic():
        locked = (
            RightsRequest.objects.select_for_update().select_related("person").get(pk=request.pk)
        )
        _check_erasable(locked)
        lines = erase_subject(locked.subject_key(), reason=f"Erasure request {locked.reference}")
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
            details={"report": report.pk, **_totals(found)},
        )
        complete_within(
            request=locked,
            outcome="Erasure carried out; the report was sent to the requester.",
            actor=actor,
        )
    return report


def _totals(lines: list[ErasureLine]) -> dict[str, int]:
    return {
        "removed": sum(line.removed for line in lines),
        "anonymised": sum(line.anonymised for line in lines),
        "kept": sum(line.kept for line in lines),
    }


def _public(line: ErasureLine) -> dict[str, Any]:
    data = asdict(line)
    data.pop("found")
    data.pop("going")  # the report holds counts and reasons, never records in words
    return data
