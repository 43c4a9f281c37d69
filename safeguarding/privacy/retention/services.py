"""Changes the data protection lead makes: a rule's period, legal holds. Each one is audited.

Destroying records takes two people: a period shorter than the one the sweep uses now is a
proposal until a different data protection lead or administrator approves it, and no period
goes below the rule's minimum in settings (``RETENTION_MINIMUM_DAYS``), approved or not.
Releasing a legal hold is likewise a request until a second person approves it; until then
the hold is in force and the sweep keeps the record. The approval mechanics are shared
(``safeguarding.privacy.two_person``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import ModelDeclaration
from safeguarding.inventory.retention_rules import (
    MAX_DAYS,
    MIN_DAYS,
    Action,
    RetentionRule,
    below_minimum,
)
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.models.retention import (
    ALREADY_WAITING,
    RELEASE_ALREADY_WAITING,
    HoldRelease,
    LegalHold,
    RetentionProposal,
    RetentionSetting,
)
from safeguarding.privacy.models.two_person import ProposalStatus
from safeguarding.privacy.people.records import may_be_held, person_declarations
from safeguarding.privacy.retention.engine import (
    at_least_the_minimum,
    effective_periods,
    hold_release_effect,
    retention_change_impact,
    retention_plans,
)
from safeguarding.privacy.two_person import (
    TwoPersonKind,
    save_new,
    two_person_approve,
    two_person_approve_all,
    two_person_reject,
    two_person_reject_all,
    two_person_withdraw,
)

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
    with transaction.atomic(durable=True):
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
    with transaction.atomic(durable=True):
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
        save_new(proposal, already_waiting=ALREADY_WAITING)  # one waiting proposal per rule
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


PROPOSAL = TwoPersonKind(
    audit="privacy.retention.proposal",
    own_refused_action="privacy.retention.own_approval_refused",
    own_approval="You proposed this change: a second person must approve it.",
    own_rejection="You proposed this change: withdraw it instead.",
    reason_needed="Enter why you are rejecting the change",
)


def retention_proposal_approve(*, proposal: RetentionProposal, actor: User) -> RetentionSetting:
    """A second person approves a shorter period: it takes effect now, in this transaction.
    Approving one's own proposal is refused, and the attempt is audited."""

    def period_set(proposal: RetentionProposal) -> RetentionSetting:
        rule = retention_rules.get(proposal.rule_key)
        if rule is None or rule.action is Action.KEEP:
            raise ValidationError("This rule's period can no longer be changed.")
        setting, current = _locked_setting(rule)
        if current != proposal.from_days:
            raise ValidationError("The period has changed since this was proposed; propose again")
        _check_days(rule.key, proposal.to_days)  # the minimum may have been raised since
        return _set_period(
            setting,
            days=proposal.to_days,
            previous=current,
            reason=proposal.reason,
            changed_by=proposal.proposed_by,
            actor=actor,
            details={"proposal": proposal.pk},
        )

    return two_person_approve(
        proposal,
        actor=actor,
        kind=PROPOSAL,
        details=lambda proposal: {
            "from_days": proposal.from_days,
            "newly_due": _newly_due(proposal.rule_key, proposal.to_days),
        },
        carry_out=period_set,
    )


def retention_proposal_reject(
    *, proposal: RetentionProposal, reason: str, actor: User
) -> RetentionProposal:
    """A second person turns a proposed period down, saying why; the period stays as it is."""
    return two_person_reject(proposal, reason=reason, actor=actor, kind=PROPOSAL)


def retention_proposal_withdraw(*, proposal: RetentionProposal, actor: User) -> RetentionProposal:
    """The proposer takes back a proposal still waiting for approval."""
    return two_person_withdraw(proposal, actor=actor, kind=PROPOSAL)


def _hold_errors(
    *, reason: str, authority: str, review_date: date, matter: str | None = None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if matter is not None and not matter.strip():
        errors["matter"] = "Enter the matter the records are kept for"
    if not reason.strip():
        errors["reason"] = "Enter why the record must be kept"
    if not authority.strip():
        errors["authority"] = "Enter the authority for the hold"
    if review_date <= timezone.localdate():
        errors["review_date"] = "The review date must be in the future"
    return errors


def _new_hold(
    record: models.Model,
    *,
    matter: str,
    reason: str,
    authority: str,
    review_date: date,
    actor: User,
    placed_from: str,
) -> LegalHold:
    """A hold on ``record`` (locked by the caller), saved and audited."""
    model = type(record)
    hold = LegalHold(
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(record.pk),
        scope_label=matter.strip(),
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
            "review_date": review_date.isoformat(),
            "placed_from": placed_from,
        },
    )
    return hold


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
    """Stop one record being disposed of until the hold is released. Staff pages hold a
    person's records (``legal_holds_place``) and never offer framework tables; this takes
    any record the sweep could dispose of, for code that names one."""
    errors = _hold_errors(reason=reason, authority=authority, review_date=review_date)
    if model_label not in _disposable_record_types():
        errors["record_type"] = "Choose a type of record"
    if errors:
        raise ValidationError(errors)

    model = apps.get_model(model_label)
    with transaction.atomic(durable=True):
        # Locking the record orders this against a retention batch that has selected it:
        # either the batch commits first (and the record is gone) or it skips the record.
        record = _locked_record(model, record_id)
        if record is None:
            raise ValidationError({"record_id": "There is no record of that type with this id"})
        return _new_hold(
            record,
            matter=scope_label,
            reason=reason,
            authority=authority,
            review_date=review_date,
            actor=actor,
            placed_from="record",
        )


def legal_hold_add(
    *,
    record: models.Model,
    reason: str,
    authority: str,
    review_date: date,
    actor: User,
    scope_label: str = "",
) -> LegalHold:
    """Hold ``record`` inside the caller's transaction: for a service that makes a record
    which is under hold from its first moment (a case review opens under the partnership's
    inquiry hold, a child death review under the legal hold). The caller has locked or just
    created the record."""
    errors = _hold_errors(reason=reason, authority=authority, review_date=review_date)
    if errors:
        raise ValidationError(errors)
    return _new_hold(
        record,
        matter=scope_label,
        reason=reason,
        authority=authority,
        review_date=review_date,
        actor=actor,
        placed_from="record",
    )


def held_message(holds: list[LegalHold]) -> str:
    count = len(holds)
    return (
        f"{count} record{'s are' if count != 1 else ' is'} held: "
        f"{'they' if count != 1 else 'it'} will not be disposed of until the hold is released."
    )


NOTHING_TO_HOLD = "We hold no records about this person that a hold could keep."
ALREADY_HELD = "Every record about this person is already held for this matter."


def legal_holds_place(
    *,
    subjects: Sequence[SubjectKey],
    matter: str,
    reason: str,
    authority: str,
    review_date: date,
    actor: User,
    also: Sequence[models.Model] = (),
    placed_from: str = "person",
) -> list[LegalHold]:
    """Hold every record about each of ``subjects`` (and the records in ``also``, such as
    the rights request itself) for one matter: from a person's page, a rights request, or
    a matter naming several people. Records of types the sweep never disposes of need no
    hold; a record already held for the same matter is not held twice. One audit entry per
    hold, in one transaction."""
    errors = _hold_errors(
        reason=reason, authority=authority, review_date=review_date, matter=matter
    )
    if errors:
        raise ValidationError(errors)
    matter = matter.strip()
    with transaction.atomic(durable=True):
        # Locking each record orders this against a retention batch that selected it.
        records = [
            record
            for declaration in person_declarations()
            if may_be_held(declaration)
            for key in subjects
            for record in _locked_subject_rows(declaration, key)
        ]
        for extra in also:
            locked = _locked_record(type(extra), str(extra.pk))
            if locked is not None:
                records.append(locked)
        if not records:
            raise ValidationError(NOTHING_TO_HOLD)
        already = _held_for(matter, records)
        holds = [
            _new_hold(
                record,
                matter=matter,
                reason=reason,
                authority=authority,
                review_date=review_date,
                actor=actor,
                placed_from=placed_from,
            )
            for record in _unique(records)
            if (record._meta.label_lower, str(record.pk)) not in already
        ]
        if not holds:
            raise ValidationError(ALREADY_HELD)
    return holds


def _locked_subject_rows(declaration: ModelDeclaration, key: SubjectKey) -> list[models.Model]:
    found = declaration.subject_filter(key) if declaration.subject_filter else None
    if found is None:
        return []
    return list(
        declaration.model._base_manager.select_for_update(of=("self",)).filter(found).order_by("pk")
    )


def _unique(records: list[models.Model]) -> list[models.Model]:
    seen: dict[tuple[str, str], models.Model] = {}
    for record in records:
        seen.setdefault((record._meta.label_lower, str(record.pk)), record)
    return list(seen.values())


def _held_for(matter: str, records: list[models.Model]) -> set[tuple[str, str]]:
    """(model, key) of the records an active hold for this matter already keeps."""
    ids = {str(record.pk) for record in records}
    return {
        (f"{app_label}.{model}", object_id)
        for app_label, model, object_id in LegalHold.objects.active()
        .filter(scope_label=matter, object_id__in=ids)
        .values_list("content_type__app_label", "content_type__model", "object_id")
    }


def _disposable_record_types() -> set[str]:
    return {
        plan.model_label
        for plan in retention_plans()
        if plan.model is not LegalHold
        and plan.rule.action is not Action.KEEP
        and plan.declaration.holds_personal_data
    }


def _locked_record(model: type[models.Model], record_id: str) -> models.Model | None:
    try:
        pk = model._meta.pk.to_python(record_id.strip())
    except ValidationError:
        return None
    if pk in (None, "") or (isinstance(pk, int) and not -(2**63) <= pk < 2**63):
        return None
    return model._base_manager.select_for_update().filter(pk=pk).first()


RELEASE = TwoPersonKind(
    audit="privacy.retention.hold_release",
    own_approval="You asked for this release: a second person must approve it.",
    own_rejection="You asked for this release: withdraw it instead.",
    reason_needed="Enter why you are rejecting the release",
    decided="This release has already been decided.",
    not_own_withdrawal="Only the person who asked for a release can withdraw it.",
)


def legal_hold_release_request(*, hold: LegalHold, reason: str, actor: User) -> HoldRelease:
    """Ask for a hold to be released. The hold stays in force, and the sweep keeps the
    record, until a different data protection lead or administrator approves."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the hold is being released"})
    with transaction.atomic(durable=True):
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if not hold.is_active:
            raise ValidationError("This hold has already been released.")
        return _ask_release(hold, reason=reason, actor=actor)


def _ask_release(
    hold: LegalHold, *, reason: str, actor: User, details: dict[str, object] | None = None
) -> HoldRelease:
    """A release of ``hold`` (locked by the caller) waiting for a second person; audited."""
    release = save_new(
        HoldRelease(hold=hold, reason=reason.strip(), proposed_by=actor),
        already_waiting=RELEASE_ALREADY_WAITING,
    )
    audit_log(
        action="privacy.retention.hold_release_requested",
        actor=actor,
        target=release,
        reason=release.reason,
        details={**release.audit_details(), **_past_its_period(release), **(details or {})},
    )
    return release


def _released(release: HoldRelease, *, actor: User) -> LegalHold:
    """Carry out an approved release: the hold ends now."""
    hold = LegalHold.objects.select_for_update().get(pk=release.hold_id)
    if not hold.is_active:
        raise ValidationError("This hold has already been released.")
    hold.released_at = timezone.now()
    hold.released_by = release.proposed_by
    hold.release_reason = release.reason
    hold.full_clean()
    hold.save(update_fields=["released_at", "released_by", "release_reason"])
    audit_log(
        action="privacy.retention.hold_released",
        actor=actor,
        target=hold,
        reason=hold.release_reason,
        details={"release": release.pk},
    )
    return hold


def _past_its_period(release: HoldRelease) -> dict[str, object]:
    return {"past_its_period": hold_release_effect(release.hold).past_its_period}


def legal_hold_release_approve(*, release: HoldRelease, actor: User) -> LegalHold:
    """A second person approves: the hold ends now, and the record's retention period
    applies again from the next sweep. Approving one's own request is refused, and audited."""
    return two_person_approve(
        release,
        actor=actor,
        kind=RELEASE,
        details=_past_its_period,
        carry_out=lambda release: _released(release, actor=actor),
    )


NOTHING_TO_RELEASE = "Every hold for this matter is released or already waiting for approval."
MATTER_RELEASES_CHANGED = (
    "The releases waiting for this matter have changed since the page was shown: look at "
    "them again before deciding."
)


def legal_hold_matter_release_request(
    *, matter: str, reason: str, actor: User
) -> list[HoldRelease]:
    """Ask for every active hold placed for ``matter`` to be released at once: one release
    each (holds already waiting for one keep theirs), decided by a second person together
    (``legal_hold_matter_release_approve``) or one by one. Until then every hold stays."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the holds are being released"})
    with transaction.atomic(durable=True):
        holds = list(
            LegalHold.objects.active()
            .select_for_update()
            .filter(scope_label=matter)
            .exclude(releases__status=ProposalStatus.PENDING)
            .order_by("pk")
        )
        if not matter or not holds:
            raise ValidationError(NOTHING_TO_RELEASE)
        return [
            _ask_release(hold, reason=reason, actor=actor, details={"matter": True})
            for hold in holds
        ]


def _matter_waiting(matter: str, shown: Sequence[int]) -> list[HoldRelease]:
    """The releases waiting for ``matter``, if they are exactly those ``shown``."""
    waiting = list(
        HoldRelease.objects.pending()
        .filter(hold__scope_label=matter, hold__released_at__isnull=True)
        .select_related("hold")
        .order_by("pk")
    )
    if not matter or sorted(shown) != [release.pk for release in waiting]:
        raise ValidationError(MATTER_RELEASES_CHANGED)
    return waiting


def legal_hold_matter_release_approve(
    *, matter: str, releases: Sequence[int], actor: User
) -> list[LegalHold]:
    """A second person approves every release waiting for ``matter`` at once: exactly the
    ``releases`` they were shown (refused if the waiting ones have changed since), each as
    ``legal_hold_release_approve`` would, all or none."""
    return two_person_approve_all(
        _matter_waiting(matter, releases),
        actor=actor,
        kind=RELEASE,
        details=_past_its_period,
        carry_out=lambda release: _released(release, actor=actor),
    )


def legal_hold_matter_release_reject(
    *, matter: str, releases: Sequence[int], reason: str, actor: User
) -> list[HoldRelease]:
    """A second person turns down every release waiting for ``matter``, for one reason:
    exactly the ``releases`` they were shown; every hold stays in force."""
    return two_person_reject_all(
        _matter_waiting(matter, releases), reason=reason, actor=actor, kind=RELEASE
    )


def legal_hold_release_reject(*, release: HoldRelease, reason: str, actor: User) -> HoldRelease:
    """A second person turns the release down, saying why; the hold stays in force."""
    return two_person_reject(release, reason=reason, actor=actor, kind=RELEASE)


def legal_hold_release_withdraw(*, release: HoldRelease, actor: User) -> HoldRelease:
    """The person who asked takes back a release still waiting for approval."""
    return two_person_withdraw(release, actor=actor, kind=RELEASE)
