"""Access table entries for the workspace pages (see tests/access.py).

No role opens a workspace: every role, partnership administrator included, gets 404 on every
page of a workspace it is not a member of. Inside, a lead may do everything, a member reads
and adds documents and decisions, and a reviewer only reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES
from safeguarding.workspaces import documents, services
from safeguarding.workspaces.kinds import register_kind
from safeguarding.workspaces.models import MembershipRole, Workspace
from tests.access import Access
from tests.factories import UserFactory

KIND = "test_review"
register_kind(KIND, "Test review")

LEAD, MEMBER, REVIEWER = (str(role) for role in MembershipRole)

Extra = Callable[[Workspace, User], dict[str, Any]]


def workspace_with(user: User | None = None, role: str | None = None) -> tuple[Workspace, User]:
    """A new workspace and its lead: ``user`` if ``role`` is lead, otherwise a new account,
    with ``user`` (if given) a member in ``role``."""
    lead = user if user is not None and role == LEAD else UserFactory()
    workspace = services.workspace_create(
        kind=KIND, title="Rapid review 2026-01", lead=lead, actor=lead
    )
    if user is not None and role != LEAD:
        services.membership_grant(
            workspace=workspace,
            user=user,
            role=MembershipRole(role),
            reason="Panel member for this review",
            actor=lead,
        )
    return workspace, lead


def a_member(workspace: Workspace, lead: User) -> dict[str, Any]:
    membership = services.membership_grant(
        workspace=workspace,
        user=UserFactory(),
        role=MembershipRole.MEMBER,
        reason="Police representative on the panel",
        actor=lead,
    )
    return {"membership_pk": membership.pk}


def a_document(workspace: Workspace, lead: User) -> dict[str, Any]:
    document = documents.document_upload(
        workspace=workspace,
        title="Health chronology",
        upload=SimpleUploadedFile("notes.txt", b"Invented notes for a test.\n"),
        actor=lead,
    )
    return {"document_pk": document.pk}


def _page(
    *,
    members: dict[str, int],
    extra: Extra | None = None,
    method: str = "get",
) -> Access:
    def in_workspace(user: User | None = None, role: str | None = None) -> dict[str, Any]:
        workspace, lead = workspace_with(user, role)
        return {"pk": workspace.pk, **(extra(workspace, lead) if extra else {})}

    return Access(
        method=method,
        make_kwargs=in_workspace,
        roles=dict.fromkeys(ALL_ROLES, 404),
        in_workspace=in_workspace,
        members=members,
    )


EVERY_MEMBER = {LEAD: 200, MEMBER: 200, REVIEWER: 200}
WRITERS = {LEAD: 200, MEMBER: 200, REVIEWER: 403}
LEADS = {LEAD: 200, MEMBER: 403, REVIEWER: 403}

ACCESS: dict[str, Access] = {
    "workspaces:members": _page(members=EVERY_MEMBER),
    "workspaces:member_add": _page(members=LEADS),
    "workspaces:member_remove": _page(members=LEADS, extra=a_member),
    "workspaces:member_confirm": _page(
        members={LEAD: 302, MEMBER: 403, REVIEWER: 403}, extra=a_member, method="post"
    ),
    "workspaces:documents": _page(members=EVERY_MEMBER),
    "workspaces:document_add": _page(members=WRITERS),
    "workspaces:document_download": _page(members=EVERY_MEMBER, extra=a_document),
    "workspaces:sharing": _page(members=EVERY_MEMBER),
    "workspaces:sharing_new": _page(members=WRITERS),
    "workspaces:who_has_seen": _page(members=LEADS),
}
