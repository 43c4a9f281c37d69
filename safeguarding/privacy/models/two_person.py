"""The shape every "two people must agree" change shares: one person asks, a different data
protection lead or administrator approves or rejects it (saying why), or the asker withdraws
it. A shorter retention period, releasing a legal hold and carrying out an erasure are each
one of these (``safeguarding.privacy.two_person`` holds the services' shared steps).
"""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class ProposalStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


M = TypeVar("M", bound=models.Model)


class TwoPersonQuerySet(models.QuerySet[M]):
    def pending(self) -> TwoPersonQuerySet[M]:
        return self.filter(status=ProposalStatus.PENDING)


def one_waiting_per(field: str, *, name: str, message: str) -> models.UniqueConstraint:
    """At most one change waits for approval per ``field`` (a rule, a hold, a request)."""
    return models.UniqueConstraint(
        fields=[field],
        condition=models.Q(status="pending"),
        name=name,
        violation_error_message=message,
    )


class TwoPersonChange(models.Model):
    """Asked for by ``proposed_by`` (with ``reason``); decided by ``decided_by``."""

    reason = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True, help_text="Why it was rejected.")

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING

    def audit_details(self) -> dict[str, object]:
        """What every audit entry about this change says (no personal data)."""
        return {}
