"""Reads for the retention staff pages: rules with their effective periods, holds, receipts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Max, Model, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.crypto import constant_time_compare, salted_hmac

from safeguarding.audit.models import AuditEntry
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import all_declarations, declaration_for_label
from safeguarding.inventory.retention_rules import (
    Action,
    RetentionRule,
    minimum_days,
    period_in_words,
)
from safeguarding.privacy.models.retention import (
    DestructionReceipt,
    HoldRelease,
    LegalHold,
    ProposalStatus,
    RetentionProposal,
)
from safeguarding.privacy.retention.engine import (
    ChangeImpact,
    ReleaseEffect,
    RetentionPlan,
    effective_periods,
    hold_release_effect,
    retention_change_impact,
    retention_plans,
)


def record_type_in_words(model_label: str) -> str:
    """A record type as staff read it: the inventory's label, never the model's name."""
    declaration = declaration_for_label(model_label)
    return declaration.record_type if declaration else "A type of record no longer in use"


def rule_in_words(rule_key: str) -> str:
    """A retention rule as staff read it: the record types it keeps ("Training booking;
    training certificate; training charge"), or its name in words if none uses it."""
    types = sorted(
        {d.record_type for d in all_declarations() if d.retention == rule_key},
        key=str.lower,
    )
    if not types:
        return rule_key.replace("_", " ").capitalize()
    return "; ".join([types[0], *(name[:1].lower() + name[1:] for name in types[1:])])


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
    def name(self) -> str:
        return rule_in_words(self.rule.key)

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

    @property
    def minimum_days(self) -> int:
        return minimum_days(self.key)


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


@dataclass
class ProposalRow:
    """A proposal waiting for approval, with what it would dispose of if approved now."""

    proposal: RetentionProposal
    current_days: int
    impact: list[ChangeImpact]

    @property
    def is_stale(self) -> bool:
        """The rule's period changed after the proposal was made: it cannot be approved."""
        return self.current_days != self.proposal.from_days

    @property
    def from_period(self) -> str:
        return period_in_words(self.proposal.from_days)

    @property
    def to_period(self) -> str:
        return period_in_words(self.proposal.to_days)


def pending_proposal_rows() -> list[ProposalRow]:
    """Proposals waiting for approval, oldest first, with their figures recomputed now."""
    periods = effective_periods()
    return [pending_proposal_row(proposal, periods=periods) for proposal in _pending()]


def pending_proposal_row(
    proposal: RetentionProposal, *, periods: dict[str, int] | None = None
) -> ProposalRow:
    periods = effective_periods() if periods is None else periods
    return ProposalRow(
        proposal=proposal,
        current_days=periods.get(proposal.rule_key, proposal.from_days),
        impact=retention_change_impact(rule_key=proposal.rule_key, days=proposal.to_days),
    )


def _pending() -> QuerySet[RetentionProposal]:
    return (
        RetentionProposal.objects.pending()
        .select_related("proposed_by")
        .order_by("proposed_at", "pk")
    )


def pending_proposal(pk: int) -> RetentionProposal | None:
    return _pending().filter(pk=pk).first()


def decided_proposals(*, limit: int = 20) -> QuerySet[RetentionProposal]:
    """Proposals approved, rejected or withdrawn, most recently decided first."""
    return (
        RetentionProposal.objects.exclude(status=ProposalStatus.PENDING)
        .select_related("proposed_by", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def pending_proposal_count() -> int:
    return RetentionProposal.objects.pending().count()


@dataclass
class ReleaseRow:
    """A hold release waiting for approval, with what the next sweep would do if approved."""

    release: HoldRelease
    effect: ReleaseEffect

    @property
    def hold(self) -> LegalHold:
        return self.release.hold


def _pending_releases() -> QuerySet[HoldRelease]:
    return (
        HoldRelease.objects.pending()
        .select_related("proposed_by", "hold", "hold__content_type", "hold__placed_by")
        .order_by("proposed_at", "pk")
    )


def pending_release_rows() -> list[ReleaseRow]:
    """Releases waiting for approval, oldest first, each worked out again now."""
    return [pending_release_row(release) for release in _pending_releases()]


def pending_release_row(release: HoldRelease) -> ReleaseRow:
    return ReleaseRow(release=release, effect=hold_release_effect(release.hold))


def pending_release(pk: int) -> HoldRelease | None:
    return _pending_releases().filter(pk=pk).first()


def pending_release_count() -> int:
    return HoldRelease.objects.pending().count()


def last_sweep_at() -> datetime | None:
    entry = AuditEntry.objects.filter(action="privacy.retention.swept").order_by("-sequence")
    return entry.values_list("occurred_at", flat=True).first()


def recent_receipts(*, limit: int = 20) -> QuerySet[DestructionReceipt]:
    """Newest first, each with ``disposed``: its count, or for an interrupted run, its batches'."""
    return DestructionReceipt.objects.annotate(
        disposed=Coalesce(Sum("batches__count"), 0)
    ).order_by("-started_at", "-pk")[:limit]


def active_legal_holds() -> QuerySet[LegalHold]:
    """Active holds, each with ``release_waiting``: whether a release waits for approval."""
    return (
        LegalHold.objects.active()
        .select_related("content_type", "placed_by")
        .annotate(release_waiting=Exists(HoldRelease.objects.pending().filter(hold=OuterRef("pk"))))
        .order_by("review_date", "pk")
    )


def released_legal_holds(*, limit: int = 50) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(released_at__isnull=False)
        .select_related("content_type", "placed_by", "released_by")
        .order_by("-released_at", "-pk")[:limit]
    )


def matter_key(name: str) -> str:
    """A matter in a staff page's address: a keyed digest of its name, since a matter's name
    may name a person and addresses end up in logs."""
    return salted_hmac("safeguarding.privacy.retention.matter", name).hexdigest()[:24]


@dataclass
class Matter:
    """The active holds placed for one matter (or for none)."""

    name: str
    holds: list[LegalHold]

    @property
    def key(self) -> str:
        return matter_key(self.name) if self.name else ""


def holds_by_matter(holds: list[LegalHold]) -> list[Matter]:
    """Active holds grouped by matter, matters in order of name, holds without one last."""
    groups: dict[str, list[LegalHold]] = {}
    for hold in holds:
        groups.setdefault(hold.scope_label, []).append(hold)
    return [
        Matter(name=name, holds=groups[name])
        for name in sorted(groups, key=lambda name: (not name, name.lower()))
    ]


def matter_named_by(key: str) -> str | None:
    """The name of the matter whose address holds ``key``, if any hold was placed for it."""
    names = (
        LegalHold.objects.exclude(scope_label="")
        .order_by()
        .values_list("scope_label", flat=True)
        .distinct()
    )
    return next((name for name in names if constant_time_compare(matter_key(name), key)), None)


@dataclass
class MatterHolds:
    """Everything held for one matter: the active holds (each with ``release_waiting``), the
    releases waiting for approval, and the holds already released."""

    name: str
    active: list[LegalHold]
    waiting: list[ReleaseRow]
    released: list[LegalHold]

    @property
    def key(self) -> str:
        return matter_key(self.name)

    @property
    def may_ask_to_release(self) -> bool:
        return any(not hold.release_waiting for hold in self.active)  # type: ignore[attr-defined]

    def asked_by(self, user_pk: int) -> bool:
        return any(row.release.proposed_by_id == user_pk for row in self.waiting)


def matter_holds(name: str) -> MatterHolds:
    return MatterHolds(
        name=name,
        active=list(active_legal_holds().filter(scope_label=name)),
        waiting=[
            pending_release_row(release)
            for release in _pending_releases().filter(hold__scope_label=name)
        ],
        released=list(
            LegalHold.objects.filter(scope_label=name, released_at__isnull=False)
            .select_related("content_type", "placed_by", "released_by")
            .order_by("-released_at", "-pk")
        ),
    )


def never_held(model: type[Model]) -> int:
    """Records of ``model`` never put under a legal hold (a hold released later, by two people,
    is a decision on record, not a gap): for the promise checks of apps that hold by default."""
    held = LegalHold.objects.filter(content_type=ContentType.objects.get_for_model(model))
    held_ids = {int(object_id) for object_id in held.values_list("object_id", flat=True)}
    return model._default_manager.exclude(pk__in=held_ids).count()
