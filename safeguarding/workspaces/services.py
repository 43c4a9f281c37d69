"""Changes to workspaces and their memberships. Each is one transaction with its own audit
entry, and each locks the workspace's row first, so two leads acting at once (two grants of
one person, two leads removing each other) are decided one after the other."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.workspaces import kinds
from safeguarding.workspaces.models import ROLE_RANK, Membership, MembershipRole, Workspace

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

NEED_A_REASON = "Enter why this person needs access"
ONLY_LEADS = "Only a lead of this workspace can do that."
LAST_LEAD = (
    "This is the workspace's only lead. Make someone else a lead before this person's access ends."
)


def _locked(workspace: Workspace) -> Workspace:
    return Workspace.objects.select_for_update().get(pk=workspace.pk)


def _lead_membership(workspace: Workspace, actor: User) -> Membership:
    """The actor's live lead membership of the workspace, or PermissionDenied."""
    membership = (
        Membership.objects.live()
        .filter(workspace=workspace, user=actor, role=MembershipRole.LEAD)
        .first()
    )
    if membership is None or not actor.is_active:
        raise PermissionDenied(ONLY_LEADS)
    return membership


def _stated(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(message)
    return reason


@transaction.atomic
def workspace_create(*, kind: str, title: str, lead: User, actor: User) -> Workspace:
    """Open a workspace with ``lead`` as its first lead (the actor may be the lead)."""
    if not kinds.is_registered(kind):
        raise ValueError(f"No app has registered the workspace kind {kind!r}.")
    title = _stated(title, "Enter a title that does not name anyone")
    if not actor.is_active:
        raise PermissionDenied("A disabled account cannot open a workspace.")
    if not lead.is_active:
        raise ValidationError("That account is disabled, so it cannot lead a workspace.")
    workspace = Workspace(kind=kind, title=title, created_by=actor)
    workspace.full_clean()
    workspace.save()
    Membership.objects.create(
        workspace=workspace,
        user=lead,
        role=MembershipRole.LEAD,
        granted_by=actor,
        granted_at=workspace.created_at,
        reason="Lead when the workspace was opened",
    )
    audit_log(
        action="workspaces.workspace.created",
        actor=actor,
        target=workspace,
        details={"kind": kind, "lead": lead.pk},
    )
    return workspace


@transaction.atomic(durable=True)
def membership_grant(
    *,
    workspace: Workspace,
    user: User,
    role: MembershipRole,
    reason: str,
    expires_at: datetime | None = None,
    actor: User,
) -> Membership:
    """Give one person access to a workspace. Only a live lead may, never to themselves, and
    never in a role above the lead's own."""
    workspace = _locked(workspace)
    granter = _lead_membership(workspace, actor)
    if user.pk == actor.pk:
        raise PermissionDenied("You cannot give yourself access or a new role: ask another lead.")
    role = MembershipRole(role)
    if ROLE_RANK[role] > ROLE_RANK[MembershipRole(granter.role)]:
        raise PermissionDenied("You cannot give a role above your own.")
    reason = _stated(reason, NEED_A_REASON)
    if workspace.is_closed:
        raise ValidationError("This workspace is closed, so no one can be added to it.")
    if not user.is_active:
        raise ValidationError("This account is disabled, so it cannot be given access.")
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError("Enter an end date in the future")
    if expires_at is not None and role == MembershipRole.LEAD:
        raise ValidationError(
            "A lead's access has no end date: remove the lead role when they step down."
        )
    current = Membership.objects.filter(workspace=workspace, user=user, revoked_at__isnull=True)
    for existing in current:
        if existing.is_live(at=now):
            raise ValidationError("This person already has access to this workspace.")
        # Expired or lapsed: closed off on record, so the new grant is the one live membership.
        ended = "Lapsed" if existing.lapsed_at is not None else "Expired"
        _end(existing, actor=actor, reason=f"{ended}; replaced by a new grant", at=now)
    membership = Membership(
        workspace=workspace,
        user=user,
        role=role,
        granted_by=actor,
        reason=reason,
        granted_at=now,
        expires_at=expires_at,
    )
    membership.save()
    audit_log(
        action="workspaces.membership.granted",
        actor=actor,
        target=membership,
        reason=reason,
        details={
            "workspace": workspace.pk,
            "member": user.pk,
            "role": str(role),
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return membership


@transaction.atomic(durable=True)
def membership_revoke(*, membership: Membership, reason: str, actor: User) -> Membership:
    """End someone's access: by a lead, or by the member leaving. A workspace always keeps at
    least one live lead."""
    workspace = _locked(membership.workspace)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id != actor.pk:
        _lead_membership(workspace, actor)
    reason = _stated(reason, "Enter why this person's access is ending")
    if membership.revoked_at is not None or membership.lapsed_at is not None:
        raise ValidationError("This person's access has already ended.")
    now = timezone.now()
    if membership.role == MembershipRole.LEAD and membership.is_live(at=now):
        other_leads = Membership.objects.live(at=now).filter(
            workspace=workspace, role=MembershipRole.LEAD
        )
        if not other_leads.exclude(pk=membership.pk).exists():
            raise ValidationError(LAST_LEAD)
    _end(membership, actor=actor, reason=reason, at=now)
    audit_log(
        action="workspaces.membership.revoked",
        actor=actor,
        target=membership,
        reason=reason,
        details={"workspace": workspace.pk, "member": membership.user_id},
    )
    return membership


def _end(membership: Membership, *, actor: User, reason: str, at: datetime) -> None:
    membership.revoked_at = at
    membership.revoked_by = actor
    membership.revocation_reason = reason
    membership.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])


@transaction.atomic(durable=True)
def membership_confirm(*, membership: Membership, actor: User) -> Membership:
    """Recertification: a lead confirms that someone (not themselves) still needs access."""
    workspace = _locked(membership.workspace)
    _lead_membership(workspace, actor)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id == actor.pk:
        raise PermissionDenied("Another lead must confirm your own access.")
    if not membership.is_live():
        raise ValidationError("This person's access has ended, so there is nothing to confirm.")
    membership.confirmed_at = timezone.now()
    membership.save(update_fields=["confirmed_at"])
    audit_log(
        action="workspaces.membership.confirmed",
        actor=actor,
        target=membership,
        details={"workspace": workspace.pk, "member": membership.user_id},
    )
    return membership


@transaction.atomic
def workspace_close(*, workspace: Workspace, reason: str, actor: User) -> Workspace:
    """Close a workspace when its work ends: members keep their access to read it (their
    memberships end one by one), and no one can be added."""
    workspace = _locked(workspace)
    _lead_membership(workspace, actor)
    reason = _stated(reason, "Enter why the workspace is closing")
    if workspace.is_closed:
        raise ValidationError("This workspace is already closed.")
    workspace.closed_at = timezone.now()
    workspace.save(update_fields=["closed_at"])
    audit_log(action="workspaces.workspace.closed", actor=actor, target=workspace, reason=reason)
    return workspace
