"""Reads for the retention staff pages: rules with their effective periods, holds, receipts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Max, QuerySet, Sum
from django.db.models.functions import Coalesce

from safeguarding.audit.models import AuditEntry
from safeguarding.inventory import retention_rules
from safeguarding.inventory.retention_rules import Action, RetentionRule, period_in_words
from safeguarding.privacy.models.retention import DestructionReceipt, LegalHold
from safeguarding.privacy.retention import RetentionPlan, effective_periods, retention_plans


@dataclass
class RuleRow:
    rule: RetentionRule
    days: int
    plans: list[RetentionPlan] = field(default_factory=list)
    last_disposal: datetime | None = None

    @property
    def key(self) -> str:
        return self.rule.key

    @property
    def is_keep(self) -> bool:
        return self.rule.action is Action.KEEP

    @property
    def overridden(self) -> bool:
        return not self.is_keep and self.days != self.rule.days

    @property
    def default_period(self) -> str:
        return "Kept" if self.is_keep else period_in_words(self.rule.days)

    @property
    def effective_period(self) -> str:
        return "Kept" if self.is_keep else period_in_words(self.days)


def retention_rule_rows() -> list[RuleRow]:
    """Every rule, the record types declared under it, and when it last disposed of any."""
    periods = effective_periods()
    rows = {
        rule.key: RuleRow(rule=rule, days=periods[rule.key]) for rule in retention_rules.all_rules()
    }
    for plan in retention_plans(periods):
        rows[plan.rule.key].plans.append(plan)
    last = DestructionReceipt.objects.values("rule_key").annotate(last=Max("started_at"))
    for item in last:
        if item["rule_key"] in rows:
            rows[item["rule_key"]].last_disposal = item["last"]
    return list(rows.values())


def retention_rule(key: str) -> RuleRow | None:
    rule = retention_rules.get(key)
    if rule is None:
        return None
    return RuleRow(rule=rule, days=effective_periods()[key])


def last_sweep_at() -> datetime | None:
    entry = AuditEntry.objects.filter(action="privacy.retention.swept").order_by("-sequence")
    return entry.values_list("occurred_at", flat=True).first()


def recent_receipts(*, limit: int = 20) -> QuerySet[DestructionReceipt]:
    """Newest first, each with ``disposed``: its count, or for an interrupted run, its batches'."""
    return DestructionReceipt.objects.annotate(
        disposed=Coalesce(Sum("batches__count"), 0)
    ).order_by("-started_at", "-pk")[:limit]


def active_legal_holds() -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.active()
        .select_related("content_type", "placed_by")
        .order_by("review_date", "pk")
    )


def released_legal_holds(*, limit: int = 50) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(released_at__isnull=False)
        .select_related("content_type", "placed_by", "released_by")
        .order_by("-released_at", "-pk")[:limit]
    )


def holdable_record_types() -> list[tuple[str, str]]:
    """(model label, name) for each record type the engine could dispose of (holds aside)."""
    seen: dict[str, str] = {}
    for plan in retention_plans():
        if plan.model is LegalHold:
            continue
        if plan.rule.action is not Action.KEEP and plan.declaration.holds_personal_data:
            name = str(plan.model._meta.verbose_name).capitalize()
            seen[plan.model_label] = f"{name} ({plan.model_label})"
    return sorted(seen.items(), key=lambda item: item[1])
