"""The audit actions the audit trail writes about itself (``safeguarding.audit.actions``)."""

from safeguarding.audit.actions import register

register(
    "audit",
    {
        "audit.entry.redacted": "An audit entry's details were removed (erasure)",
        "audit.addresses.forgotten": "Network addresses older than the limit were removed",
    },
)
