"""Changes the data protection lead makes: a rule's period, legal holds. Each one is audited.

Destroying records takes two people: a period shorter than the one the sweep uses now is a
proposal until a different data protection lead or administrator approves it, and no period
goes below the rule's minimum in settings (``RETENTION_MINIMUM_DAYS``), approved or not.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from safeguarding.accounts.roles import DATA_PROTECTION_ROLES
from safeguarding.accounts.selectors import user_has_role
from safeguarding.audit.services import audit_log
from safeguarding.inventory import retention_rules
from safeguarding.inventory.retention_rules import (
    MAX_DAYS,
    MIN_DAYS,
    Action,
    RetentionRule,
    below_minimum,
)
from safeguarding.privacy.models.retention import (
    ALREADY_WAITING,
    LegalHold,
    ProposalStatus,
    RetentionProposal,
    RetentionSetting,
)
from safeguarding.privacy.retention import (
    at_least_the_minimum,
    effective_periods,
    retention_change_impact,
)
from safeguarding.privacy.retention_selectors import holdable_record_types

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


def _checked_rule(*, rule_key: str, days: int, reason: str) -> RetentionRule:
    """The rule, if ``days`` (with ``reason``) is a period it may be given."""
    rule = retention_rules.get(rule_key)
    if rule is None:
        raise ValidationError("There is no such retention rule.")
    if rule.action is Action.KEEP:
        raise ValidationError(
            "This rule keeps records for as long as the service runs, so it has no period "
            "to change."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the period is changing"})
    _check_days(rule_key, days)
    return rule


def _check_days(rule_key: str, days: int) -> None:
    minimum = retention_rules.minimum_days(rule_key)
    if days < minimum:
        raise ValidationError({"days": below_minimum(minimum)})
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": f"Enter a number of days from {MIN_DAYS} to {MAX_DAYS} (20 years)"}
        )


def _locked_setting(rule: RetentionRule) -> tuple[RetentionSetting, int]:
    """The rule's setting row, locked (or a new one), and the period the sweep uses now."""
    setting = RetentionSetting.objects.select_for_update().filter(
        rule_key=rule.key
    ).first() or RetentionSetting(rule_key=rule.key)
    return setting, at_least_the_minimum(rule.key, setting.days if setting.pk else rule.days)


def _set_period(
    setting: RetentionSetting,
    *,
    days: int,
    previous: int,
    reason: str,
    changed_by: User,
    actor: User,
    details: dict[str, int] | None = None,
) -> RetentionSetting:
    setting.days = days
    setting.reason = reason.strip()
    setting.changed_by = changed_by
    setting.changed_at = timezone.now()
    setting.full_clean()
    setting.save()
    audit_log(
        action="privacy.retention.rule_changed",
        actor=actor,
        target=setting,
        reason=setting.reason,
        details={
            "rule": setting.rule_key,
            "from_days": previous,
            "to_days": days,
            **(details or {}),
        },
    )
    return setting


NEEDS_APPROVAL = (
    "A shorter period needs a second person's approval before it takes effect: propose it."
)


def retention_period_change(
    *, rule_key: str, days: int, reason: str, actor: User
) -> RetentionSetting:
    """Set a rule's period at once (overriding the default in code), and audit the change.

    Only a period no shorter than the current one: a shorter one would make the next sweep
    dispose of records not yet due, so it needs ``retention_period_propose`` and approval."""
    rule = _checked_rule(rule_key=rule_key, days=days, reason=reason)
    with transaction.atomic():
        setting, previous = _locked_setting(rule)
        if days < previous:
            raise ValidationError(NEEDS_APPROVAL)
        return _set_period(
            setting, days=days, previous=previous, reason=reason, changed_by=actor, actor=actor
        )


def retention_period_needs_approval(*, rule_key: str, days: int) -> bool:
    """Whether this period is shorter than the one the sweep uses now."""
    rule = retention_rules.get(rule_key)
    return rule is not None and days < effective_periods().get(rule_key, rule.days)


def _newly_due(rule_key: str, days: int) -> dict[str, int]:
    """For the audit trail: how many records of each type the change would make due now."""
    return {
        line.model_label: line.newly_due
        for line in retention_change_impact(rule_key=rule_key, days=days)
    }


def retention_period_propose(
    *, rule_key: str, days: int, reason: str, actor: User
) -> RetentionProposal:
    """Propose a shorter period; it takes effect only when a second person approves it."""
    rule = _checked_rule(rule_key=rule_key, days=days, reason=reason)
    with transaction.atomic():
        _setting, current = _locked_setting(rule)
        if days >= current:
            raise ValidationError(
                "The period is not shorter, so it needs no approval: change it directly."
            )
        proposal = RetentionProposal(
            rule_key=rule_key,
            from_days=current,
            to_days=days,
            reason=reason.strip(),
            proposed_by=actor,
        )
        proposal.full_clean()  # one waiting proposal per rule
        try:
            with transaction.atomic():
                proposal.save()
        except IntegrityError:  # another was proposed at the same moment
            raise ValidationError(ALREADY_WAITING) from None
        audit_log(
            action="privacy.retention.period_proposed",
            actor=actor,
            target=proposal,
            reason=proposal.reason,
            details={
                "rule": rule_key,
                "from_days": current,
                "to_days": days,
                "newly_due": _newly_due(rule_key, days),
            },
        )
    return proposal


def _locked_pending(proposal: RetentionProposal) -> RetentionProposal:
    proposal = RetentionProposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_pending:
        raise ValidationError("This change has already been decided.")
    return proposal


def _decide(proposal: RetentionProposal, *, status: str, actor: User, reason: str = "") -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason.strip()
    proposal.full_clean()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])


def _check_may_decide(actor: User) -> None:
    if not user_has_role(actor, *DATA_PROTECTION_ROLES):
        raise ValidationError(
            "Only a data protection lead or administrator can approve or reject this."
        )


def retention_proposal_approve(*, proposal: RetentionProposal, actor: User) -> RetentionSetting:
    """A second person approves a shorter period: it takes effect now, in this transaction.
    Approving one's own proposal is refused, and the attempt is audited."""
    if proposal.proposed_by_id == actor.pk:
        audit_log(
            action="privacy.retention.own_approval_refused",
            actor=actor,
            target=proposal,
            details={"rule": proposal.rule_key},
        )
        raise ValidationError("You proposed this change: a second person must approve it.")
    _check_may_decide(actor)
    with transaction.atomic():
        proposal = _locked_pending(proposal)
        rule = retention_rules.get(proposal.rule_key)
        if rule is None or rule.action is Action.KEEP:
            raise ValidationError("This rule's period can no longer be changed.")
        setting, current = _locked_setting(rule)
        if current != proposal.from_days:
            raise ValidationError("The period has changed since this was proposed; propose again")
        _check_days(rule.key, proposal.to_days)  # the minimum may have been raised since
        newly_due = _newly_due(rule.key, proposal.to_days)
        _decide(proposal, status=ProposalStatus.APPROVED, actor=actor)
        audit_log(
            action="privacy.retention.proposal_approved",
            actor=actor,
            target=proposal,
            details={
                "rule": rule.key,
                "from_days": current,
                "to_days": proposal.to_days,
                "newly_due": newly_due,
            },
        )
        return _set_period(
            setting,
            days=proposal.to_days,
            previous=current,
            reason=proposal.reason,
            changed_by=proposal.proposed_by,
            actor=actor,
            details={"proposal": proposal.pk},
        )


def retention_proposal_reject(
    *, proposal: RetentionProposal, reason: str, actor: User
) -> RetentionProposal:
    """A second person turns a proposed period down, saying why; the period stays as it is."""
    if proposal.proposed_by_id == actor.pk:
        raise ValidationError("You proposed this change: withdraw it instead.")
    _check_may_decide(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are rejecting the change"})
    with transaction.atomic():
        proposal = _locked_pending(proposal)
        _decide(proposal, status=ProposalStatus.REJECTED, actor=actor, reason=reason)
        audit_log(
            action="privacy.retention.proposal_rejected",
            actor=actor,
            target=proposal,
            reason=proposal.decision_reason,
            details={"rule": proposal.rule_key, "to_days": proposal.to_days},
        )
    return proposal


def retention_proposal_withdraw(*, proposal: RetentionProposal, actor: User) -> RetentionProposal:
    """The proposer takes back a proposal still waiting for approval."""
    if proposal.proposed_by_id != actor.pk:
        raise ValidationError("Only the person who proposed a change can withdraw it.")
    with transaction.atomic():
        proposal = _locked_pending(proposal)
        _decide(proposal, status=ProposalStatus.WITHDRAWN, actor=actor)
        audit_log(
            action="privacy.retention.proposal_withdrawn",
            actor=actor,
            target=proposal,
            details={"rule": proposal.rule_key, "to_days": proposal.to_days},
        )
    return proposal


def legal_hold_place(
    *,
    model_label: str,
    record_id: str,
    reason: str,
    authority: str,
    review_date: date,
    actor: User,
    scope_label: str = "",
) -> LegalHold:
    """Stop one record being disposed of until the hold is released."""
    errors: dict[str, str] = {}
    if model_label not in dict(holdable_record_types()):
        errors["record_type"] = "Choose a type of record"
    if not reason.strip():
        errors["reason"] = "Enter why the record must be kept"
    if not authority.strip():
        errors["authority"] = "Enter the authority for the hold"
    if review_date <= timezone.localdate():
        errors["review_date"] = "The review date must be in the future"
    if errors:
        raise ValidationError(errors)

    model = apps.get_model(model_label)
    with transaction.atomic():
        # Locking the record orders this against a retention batch that has selected it:
        # either the batch commits first (and the record is gone) or it skips the record.
        record = _locked_record(model, record_id)
        if record is None:
            raise ValidationError({"record_id": "There is no record of that type with this id"})
        hold = LegalHold(
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(record.pk),
            scope_label=scope_label.strip(),
            reason=reason.strip(),
            authority=authority.strip(),
            review_date=review_date,
            placed_by=actor,
        )
        hold.full_clean()
        hold.save()
        audit_log(
            action="privacy.retention.hold_placed",
            actor=actor,
            target=hold,
            reason=hold.reason,
            details={
                "model": model._meta.label,
                "record": hold.object_id,
                "authority": hold.authority,
                "review_date": review_date.isoformat(),
            },
        )
    return hold


def _locked_record(model: type[models.Model], record_id: str) -> models.Model | None:
    try:
        pk = model._meta.pk.to_python(record_id.strip())
    except ValidationError:
        return None
    if pk in (None, "") or (isinstance(pk, int) and not -(2**63) <= pk < 2**63):
        return None
    return model._base_manager.select_for_update().filter(pk=pk).first()


def legal_hold_release(*, hold: LegalHold, reason: str, actor: User) -> LegalHold:
    """End a hold: the record's retention period applies again from the next sweep."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the hold is being released"})
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.released_at is not None:
            raise ValidationError("This hold has already been released.")
        hold.released_at = timezone.now()
        hold.released_by = actor
        hold.release_reason = reason.strip()
        hold.full_clean()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        audit_log(
            action="privacy.retention.hold_released",
            actor=actor,
            target=hold,
            reason=hold.release_reason,
        )
    return hold
