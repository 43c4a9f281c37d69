"""Retention: the data protection lead's period overrides, legal holds, destruction receipts.

Default periods live in code (``safeguarding.inventory.retention_rules``); a ``RetentionSetting``
row overrides one rule's period. A shorter period is a ``RetentionProposal`` until a second
person approves it, and releasing a ``LegalHold`` is a ``HoldRelease`` until a second person
approves it (both ``TwoPersonChange``s). The engine
(``safeguarding.privacy.retention.engine``) writes a
``DestructionReceipt`` for each rule and model it disposes of in a run, with the references
of the records in ``DestructionReceiptBatch`` rows, one per batch, so a million records never
sit in memory or in one JSON value.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.inventory.retention_rules import MAX_DAYS, MIN_DAYS, Action
from safeguarding.privacy.models.two_person import (
    ProposalStatus,
    TwoPersonChange,
    TwoPersonQuerySet,
    one_waiting_per,
)

__all__ = [
    "ALREADY_WAITING",
    "DestructionReceipt",
    "DestructionReceiptBatch",
    "HoldRelease",
    "LegalHold",
    "ProposalStatus",
    "RetentionProposal",
    "RetentionSetting",
]


class RetentionSetting(models.Model):
    """A rule's period as the data protection lead set it, overriding the default in code."""

    rule_key = models.CharField(max_length=64, unique=True)
    days = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()

    class Meta:
        ordering = ["rule_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=MIN_DAYS, days__lte=MAX_DAYS),
                name="retention_setting_days_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_key}: {self.days} days"


ALREADY_WAITING = (
    "A change to this period is already waiting for approval: withdraw it or wait for a decision."
)


class RetentionProposalQuerySet(TwoPersonQuerySet["RetentionProposal"]):
    pass


class RetentionProposal(TwoPersonChange):
    """A shorter period for a rule, waiting for a second person before it takes effect.

    ``from_days`` is the period the proposal was made against: approval is refused if the
    rule's period is no longer that one. At most one proposal per rule waits at a time.
    """

    rule_key = models.CharField(max_length=64)
    from_days = models.PositiveIntegerField()
    to_days = models.PositiveIntegerField()

    objects = RetentionProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            one_waiting_per(
                "rule_key", name="one_pending_retention_proposal_per_rule", message=ALREADY_WAITING
            ),
            models.CheckConstraint(
                condition=Q(to_days__gte=MIN_DAYS, to_days__lte=MAX_DAYS),
                name="retention_proposal_days_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Retention proposal {self.pk}"

    def audit_details(self) -> dict[str, object]:
        return {"rule": self.rule_key, "to_days": self.to_days}


class LegalHoldQuerySet(models.QuerySet["LegalHold"]):
    def active(self) -> LegalHoldQuerySet:
        return self.filter(released_at__isnull=True)


class LegalHold(models.Model):
    """Stops the retention engine disposing of one record until the hold is released.

    ``scope_label`` groups holds placed for one matter (a claim, an investigation, later a
    case review) so they can be found together; the target is always one record.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    scope_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    authority = models.CharField(max_length=200)
    review_date = models.DateField()
    # Nullable only so that anonymising a long-released hold can remove who placed it.
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    release_reason = models.TextField(blank=True)

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="legal_hold_target_idx"),
        ]

    def __str__(self) -> str:
        return f"Legal hold {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.released_at is None

    @property
    def model_label(self) -> str:
        model = self.content_type.model_class()
        return model._meta.label if model else f"{self.content_type.app_label}.?"


RELEASE_ALREADY_WAITING = (
    "A release of this hold is already waiting for approval: withdraw it or wait for a decision."
)


class HoldReleaseQuerySet(TwoPersonQuerySet["HoldRelease"]):
    pass


class HoldRelease(TwoPersonChange):
    """A request to release a legal hold. The hold stays in force, and the sweep keeps the
    record, until a second person approves it; at most one waits per hold."""

    hold = models.ForeignKey(LegalHold, on_delete=models.PROTECT, related_name="releases")
    # Nullable only so that anonymising a long-decided release can remove who asked for it
    # (the retention rule for legal holds); always set while the release can be decided.
    proposed_by = models.ForeignKey(  # type: ignore[assignment]
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = HoldReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            one_waiting_per(
                "hold", name="one_pending_release_per_hold", message=RELEASE_ALREADY_WAITING
            ),
        ]

    def __str__(self) -> str:
        return f"Hold release {self.pk}"

    def audit_details(self) -> dict[str, object]:
        return {"hold": self.hold_id}


class DestructionReceipt(models.Model):
    """Proof that one rule disposed of records of one model in one run.

    It holds no personal data: references are primary keys as strings, and none at all where
    the primary key is itself personal data (a session key, say).
    """

    rule_key = models.CharField(max_length=64)
    model_label = models.CharField(max_length=100)
    action = models.CharField(
        max_length=16, choices=[(a.value, a.value) for a in (Action.DELETE, Action.ANONYMISE)]
    )
    period_days = models.PositiveIntegerField()
    cutoff = models.DateTimeField(help_text="Records whose period started before this were due.")
    count = models.PositiveBigIntegerField(
        default=0, help_text="Set when the run finishes; until then, the sum of its batches."
    )
    references_withheld = models.CharField(
        max_length=200, blank=True, help_text="Why no references are kept, if none are."
    )
    cascaded = models.JSONField(
        default=dict, blank=True, help_text="Rows of other models deleted with these, by model."
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    audit_sequence = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The privacy.retention.disposed audit entry."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["rule_key", "-started_at"], name="receipt_rule_idx")]

    def __str__(self) -> str:
        return f"Destruction receipt {self.pk}"

    def references(self) -> Iterator[str]:
        for batch in self.batches.order_by("number").iterator(chunk_size=100):
            yield from batch.references


class DestructionReceiptBatch(models.Model):
    """The references of the records one batch disposed of, in its own transaction."""

    receipt = models.ForeignKey(
        DestructionReceipt, on_delete=models.PROTECT, related_name="batches"
    )
    number = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    references = models.JSONField(default=list, blank=True)
    disposed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["receipt", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt", "number"], name="one_batch_number_per_receipt"
            )
        ]

    def __str__(self) -> str:
        return f"Receipt {self.receipt_id} batch {self.number}"
