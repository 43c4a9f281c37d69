"""Workspace rows made directly, for tests that need a membership as a sample record (the
retention engine's) rather than the services' rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safeguarding.accounts.models import User
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace


def sample_membership(make_user: Callable[..., User], **fields: Any) -> Membership:
    """A member's membership of a new workspace, granted by its lead; ``revoked_at`` given
    means revoked by that lead."""
    lead = make_user()
    workspace = Workspace.objects.create(kind="test_review", title="Review 1", created_by=lead)
    fields.setdefault("reason", "Panel member")
    if fields.get("revoked_at") is not None:
        fields.setdefault("revoked_by", lead)
        fields.setdefault("revocation_reason", "Left the panel")
    if "granted_at" in fields:
        Workspace.objects.filter(pk=workspace.pk).update(created_at=fields["granted_at"])
    return Membership.objects.create(
        workspace=workspace,
        user=make_user(),
        role=MembershipRole.MEMBER,
        granted_by=lead,
        **fields,
    )
