"""The shared steps of a change that one person asks for and a second person decides.

"What one person can destroy, two must approve": a shorter retention period, releasing a
legal hold and carrying out an erasure each start as a ``TwoPersonChange`` waiting for
approval. Every kind decides the same way, written once here:

- approving one's own is refused, and the attempt is audited;
- only a data protection lead or administrator may approve or reject;
- the change is locked (``select_for_update``) and must still be waiting, so two people
  deciding at once cannot both succeed;
- a rejection needs a reason; only the person who asked may withdraw;
- each decision writes its own audit entry in the same transaction.

A ``TwoPersonKind`` holds what differs: the audit actions and the words staff read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguarding.accounts.roles import DATA_PROTECTION_ROLES
from safeguarding.accounts.selectors import user_has_role
from safeguarding.audit.services import audit_log
from safeguarding.privacy.models.two_person import ProposalStatus, TwoPersonChange

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


C = TypeVar("C", bound=TwoPersonChange)
T = TypeVar("T")


@dataclass(frozen=True)
class TwoPersonKind:
    """One kind of two-person change: ``audit`` prefixes its audit actions
    (``{audit}_approved``, ``_rejected``, ``_withdrawn``, ``_own_approval_refused``)."""

    audit: str
    own_approval: str  # refused: the asker tried to approve
    own_rejection: str  # refused: the asker tried to reject
    reason_needed: str  # a rejection without a reason
    decided: str = "This change has already been decided."
    not_own_withdrawal: str = "Only the person who proposed a change can withdraw it."
    own_refused_action: str = ""  # the audit action, if not ``{audit}_own_approval_refused``

    def action(self, what: str) -> str:
        if what == "own_approval_refused" and self.own_refused_action:
            return self.own_refused_action
        return f"{self.audit}_{what}"


def check_may_decide(actor: User) -> None:
    if not user_has_role(actor, *DATA_PROTECTION_ROLES):
        raise ValidationError(
            "Only a data protection lead or administrator can approve or reject this."
        )


def save_new(change: C, *, already_waiting: str) -> C:
    """Save a new change waiting for approval: one per target (a constraint, so two people
    asking at the same moment get one each, not two)."""
    change.full_clean()
    try:
        with transaction.atomic():
            change.save()
    except IntegrityError:  # another was asked for at the same moment
        raise ValidationError(already_waiting) from None
    return change


def locked_pending(change: C, kind: TwoPersonKind) -> C:
    locked = type(change)._default_manager.select_for_update().get(pk=change.pk)
    if not locked.is_pending:
        raise ValidationError(kind.decided)
    return locked


def _decide(change: TwoPersonChange, *, status: str, actor: User, reason: str = "") -> None:
    change.status = status
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.decision_reason = reason.strip()
    change.full_clean()
    change.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


def _refuse_own_approval(change: TwoPersonChange, *, actor: User, kind: TwoPersonKind) -> None:
    if change.proposed_by_id == actor.pk:
        audit_log(
            action=kind.action("own_approval_refused"),
            actor=actor,
            target=change,
            details=change.audit_details(),
        )
        raise ValidationError(kind.own_approval)


def _approve_locked(
    change: C,
    *,
    actor: User,
    kind: TwoPersonKind,
    carry_out: Callable[[C], T],
    details: Callable[[C], dict[str, object]] | None,
) -> T:
    change = locked_pending(change, kind)
    extra = details(change) if details else {}
    _decide(change, status=ProposalStatus.APPROVED, actor=actor)
    audit_log(
        action=kind.action("approved"),
        actor=actor,
        target=change,
        details={**change.audit_details(), **extra},
    )
    return carry_out(change)


def two_person_approve(
    change: C,
    *,
    actor: User,
    kind: TwoPersonKind,
    carry_out: Callable[[C], T],
    details: Callable[[C], dict[str, object]] | None = None,
    may_decide: Callable[[User], None] = check_may_decide,
) -> T:
    """A second person approves: ``carry_out`` makes the change, in this transaction, with
    the change locked and still waiting (it raises ``ValidationError`` to refuse, and then
    nothing is decided). Approving one's own is refused, and the attempt is audited."""
    _refuse_own_approval(change, actor=actor, kind=kind)
    may_decide(actor)
    with transaction.atomic(durable=True):
        return _approve_locked(change, actor=actor, kind=kind, carry_out=carry_out, details=details)


def two_person_approve_all(
    changes: Sequence[C],
    *,
    actor: User,
    kind: TwoPersonKind,
    carry_out: Callable[[C], T],
    details: Callable[[C], dict[str, object]] | None = None,
    may_decide: Callable[[User], None] = check_may_decide,
) -> list[T]:
    """Several changes of one kind approved together (every hold release asked for one
    matter), each exactly as ``two_person_approve`` would, in one transaction: all of them
    or, if any is one's own or no longer waiting, none."""
    if not changes:
        raise ValidationError(kind.decided)
    for change in changes:
        _refuse_own_approval(change, actor=actor, kind=kind)
    may_decide(actor)
    with transaction.atomic(durable=True):
        return [
            _approve_locked(change, actor=actor, kind=kind, carry_out=carry_out, details=details)
            for change in sorted(changes, key=lambda change: change.pk)
        ]


def _refuse_rejection(
    change: TwoPersonChange,
    *,
    reason: str,
    actor: User,
    kind: TwoPersonKind,
    may_decide: Callable[[User], None],
) -> None:
    if change.proposed_by_id == actor.pk:
        raise ValidationError(kind.own_rejection)
    may_decide(actor)
    if not reason.strip():
        raise ValidationError({"reason": kind.reason_needed})


def _reject_locked(change: C, *, reason: str, actor: User, kind: TwoPersonKind) -> C:
    change = locked_pending(change, kind)
    _decide(change, status=ProposalStatus.REJECTED, actor=actor, reason=reason)
    audit_log(
        action=kind.action("rejected"),
        actor=actor,
        target=change,
        reason=change.decision_reason,
        details=change.audit_details(),
    )
    return change


def two_person_reject(
    change: C,
    *,
    reason: str,
    actor: User,
    kind: TwoPersonKind,
    may_decide: Callable[[User], None] = check_may_decide,
) -> C:
    """A second person turns the change down, saying why; nothing changes."""
    _refuse_rejection(change, reason=reason, actor=actor, kind=kind, may_decide=may_decide)
    with transaction.atomic(durable=True):
        return _reject_locked(change, reason=reason, actor=actor, kind=kind)


def two_person_reject_all(
    changes: Sequence[C],
    *,
    reason: str,
    actor: User,
    kind: TwoPersonKind,
    may_decide: Callable[[User], None] = check_may_decide,
) -> list[C]:
    """Several changes of one kind turned down together, for one reason, each exactly as
    ``two_person_reject`` would, in one transaction: all of them or none."""
    if not changes:
        raise ValidationError(kind.decided)
    for change in changes:
        _refuse_rejection(change, reason=reason, actor=actor, kind=kind, may_decide=may_decide)
    with transaction.atomic(durable=True):
        return [
            _reject_locked(change, reason=reason, actor=actor, kind=kind)
            for change in sorted(changes, key=lambda change: change.pk)
        ]


def two_person_withdraw(change: C, *, actor: User, kind: TwoPersonKind) -> C:
    """The person who asked takes back a change still waiting for approval."""
    if change.proposed_by_id != actor.pk:
        raise ValidationError(kind.not_own_withdrawal)
    with transaction.atomic(durable=True):
        change = locked_pending(change, kind)
        _decide(change, status=ProposalStatus.WITHDRAWN, actor=actor)
        audit_log(
            action=kind.action("withdrawn"),
            actor=actor,
            target=change,
            details=change.audit_details(),
        )
    return change
