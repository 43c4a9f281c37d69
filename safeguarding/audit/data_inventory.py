"""The audit trail holds who did what: staff ids, addresses, and free-text reasons."""

from __future__ import annotations

from safeguarding.inventory.declarations import declare, not_personal, personal
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import Subject

declare(
    "audit.AuditEntry",
    # Entries the person made, or made on their behalf.
    subject_filter=by_email("actor__email", "on_behalf_of__email"),
    subject=Subject.STAFF,
    purpose="security",
    retention="audit_trail",
    description=(
        "Append-only; erasure redacts details, reason and network address instead of "
        "deleting, and network addresses are removed after AUDIT_ADDRESS_DAYS (a year unless "
        "configured)."
    ),
    fields={
        **not_personal(
            "sequence",
            "action",
            "target_type",
            "reason_digest",
            "details_digest",
            "redacted_at",
            "prev_hash",
            "entry_hash",
            "actor_label",
            "chain_version",
        ),
        "occurred_at": personal("system.operations"),
        "actor": personal("user.unique_id"),
        "on_behalf_of": personal("user.unique_id"),
        "target_id": personal("user.unique_id", note="may identify a person's record"),
        "ip_address": personal("user.device.ip_address"),
        "ip_digest": personal("user.device.ip_address", note="keyed HMAC of the address"),
        "reason": personal("user.content.private"),
        "details": personal("user.content.private"),
        "redaction_reason": personal("user.content.private"),
    },
)
declare("audit.AuditChainHead", fields=not_personal("id", "last_sequence", "last_hash"))
