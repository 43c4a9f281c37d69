"""Changes the data protection lead makes: a rule's period, legal holds. Each one is audited."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.inventory import retention_rules
from safeguarding.inventory.retention_rules import MAX_DAYS, MIN_DAYS, Action
from safeguarding.privacy.models.retention import LegalHold, RetentionSetting
from safeguarding.privacy.retention_selectors import holdable_record_types

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


def retention_period_change(
    *, rule_key: str, days: int, reason: str, actor: User
) -> RetentionSetting:
    """Set a rule's period (overriding the default in code), and audit the change."""
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
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": f"Enter a number of days from {MIN_DAYS} to {MAX_DAYS} (20 years)"}
        )
    with transaction.atomic():
        setting = RetentionSetting.objects.select_for_update().filter(
            rule_key=rule_key
        ).first() or RetentionSetting(rule_key=rule_key)
        previous = setting.days if setting.pk else rule.days
        setting.days = days
        setting.reason = reason.strip()
        setting.changed_by = actor
        setting.changed_at = timezone.now()
        setting.full_clean()
        setting.save()
        audit_log(
            action="privacy.retention.rule_changed",
            actor=actor,
            target=setting,
            reason=setting.reason,
            details={"rule": rule_key, "from_days": previous, "to_days": days},
        )
    return setting


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
