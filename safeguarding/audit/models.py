"""The audit trail: append-only entries, each linked to the one before by a keyed hash.

See ``safeguarding.audit.chain`` for what the hash covers and why.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

GENESIS_HASH = "0" * 64
HEAD_PK = 1

action_validator = RegexValidator(
    r"^[a-z_]+(\.[a-z_]+)+$",
    message="An audit action is a dotted lower-case name, like accounts.login.failed.",
)


class AuditEntry(models.Model):
    """One thing that happened: who, on whose behalf, to what, from where, and why.

    Rows are only ever inserted by ``audit_log``; the one permitted change is a first-time
    redaction by ``audit_redact``. On PostgreSQL a trigger enforces both rules (see
    migration 0002 for why TRUNCATE is left to the table owner, which the application's
    database role must not be).
    """

    sequence = models.PositiveBigIntegerField(primary_key=True, editable=False)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=32, help_text="staff, anonymous or system")
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=100, validators=[action_validator])
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # Removable: the hash covers ``ip_digest`` (chain version 2; see chain.py).
    ip_address = models.GenericIPAddressField(null=True, blank=True, unpack_ipv4=True)
    ip_digest = models.CharField(max_length=64, blank=True)
    # 1: entries written before addresses could be removed (the address itself is hashed).
    chain_version = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(blank=True)
    reason_digest = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)
    details_digest = models.CharField(max_length=64)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redaction_reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_entry_target_idx"),
            models.Index(fields=["action"], name="audit_entry_action_idx"),
            models.Index(fields=["occurred_at"], name="audit_entry_occurred_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """The single row every writer locks to append: the chain's last sequence and hash.

    Locking it orders concurrent appends, and comparing it with the last entry shows
    whether entries were removed from the end of the chain.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=HEAD_PK, editable=False)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=HEAD_PK), name="audit_chain_head_is_single")
        ]

    def __str__(self) -> str:
        return f"audit chain head at #{self.last_sequence}"
