"""Workspaces hold staff personal data only: who may see restricted records, and who did."""

from __future__ import annotations

from django.db.models import Q

from safeguarding.inventory.declarations import declare, not_personal, personal
from safeguarding.inventory.taxonomy import Subject

declare(
    "workspaces.Workspace",
    subject_filter=lambda email: Q(created_by__email=email),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="workspace",
    description=(
        "A restricted area for one review. Its title must not name anyone; the records "
        "inside it follow their own retention rules."
    ),
    fields={
        **not_personal("id", "kind", "title", "closed_at"),
        "created_at": personal("user.account.settings"),
        "created_by": personal("user.unique_id"),
    },
)
declare(
    "workspaces.Membership",
    subject_filter=lambda email: (
        Q(user__email=email) | Q(granted_by__email=email) | Q(revoked_by__email=email)
    ),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="workspace_membership",
    retention_trigger=("revoked_at", "expires_at"),
    fields={
        **not_personal("id", "workspace"),
        "user": personal("user.unique_id"),
        "role": personal("user.account.settings"),
        "granted_by": personal("user.unique_id"),
        "reason": personal("user.account.settings"),
        "granted_at": personal("user.account.settings"),
        "expires_at": personal("user.account.settings"),
        "confirmed_at": personal("user.account.settings"),
        "revoked_at": personal("user.account.settings"),
        "revoked_by": personal("user.unique_id"),
        "revocation_reason": personal("user.account.settings"),
    },
)
declare(
    "workspaces.ReadLog",
    subject_filter=lambda email: Q(user__email=email),
    subject=Subject.STAFF,
    purpose="security",
    retention="read_log",
    description=(
        "Every read of a restricted record. Append-only; each day is sealed by a digest in "
        "the audit trail, so it is kept as long as the trail is."
    ),
    fields={
        **not_personal("id", "workspace", "target_type", "purpose"),
        "occurred_at": personal("system.operations"),
        "user": personal("user.unique_id"),
        "target_id": personal("user.unique_id", note="may identify a person's record"),
    },
)
