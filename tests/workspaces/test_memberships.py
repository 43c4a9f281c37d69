"""Workspaces and memberships: who may grant, revoke and confirm, and what the database
refuses whatever the code does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from safeguarding.accounts import services as accounts_services
from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.workspaces import services
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace
from safeguarding.workspaces.selectors import (
    members_of,
    membership_of,
    require_role,
    workspaces_for,
)
from tests.workspaces.conftest import KIND

pytestmark = pytest.mark.django_db

LEAD, MEMBER, REVIEWER = MembershipRole.LEAD, MembershipRole.MEMBER, MembershipRole.REVIEWER
Grant = Callable[..., Membership]


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("action", flat=True))


# --- Opening a workspace -----------------------------------------------------------------------


def test_opening_a_workspace_makes_its_lead_and_is_audited(make_user, administrator) -> None:
    lead = make_user()

    workspace = services.workspace_create(
        kind=KIND, title="  Practice review 2026-03 ", lead=lead, actor=administrator
    )

    assert (workspace.kind, workspace.title, workspace.created_by) == (
        KIND,
        "Practice review 2026-03",
        administrator,
    )
    membership = Membership.objects.get(workspace=workspace)
    assert (membership.user, membership.role, membership.granted_by) == (
        lead,
        LEAD,
        administrator,
    )
    assert membership.reason
    assert membership.confirmed_at == membership.granted_at
    assert actions() == ["workspaces.workspace.created"]
    # The administrator who opened it is not a member and does not see it.
    assert list(workspaces_for(administrator)) == []
    assert list(workspaces_for(lead)) == [workspace]


def test_a_workspace_of_an_unregistered_kind_is_refused(make_user) -> None:
    lead = make_user()
    with pytest.raises(ValueError, match="not_a_kind"):
        services.workspace_create(kind="not_a_kind", title="x", lead=lead, actor=lead)


def test_a_workspace_needs_a_title(make_user) -> None:
    lead = make_user()
    with pytest.raises(ValidationError, match="Enter a title"):
        services.workspace_create(kind=KIND, title=" ", lead=lead, actor=lead)
    assert not Workspace.objects.exists()


def test_a_disabled_account_cannot_lead_a_workspace(make_user) -> None:
    lead = make_user(is_active=False)
    with pytest.raises(ValidationError, match="disabled"):
        services.workspace_create(kind=KIND, title="x", lead=lead, actor=make_user())


# --- Granting ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [LEAD, MEMBER, REVIEWER])
def test_a_lead_grants_each_role(grant: Grant, make_user, role: MembershipRole) -> None:
    person = make_user()

    membership = grant(person, role)

    assert membership.role == role
    assert membership.confirmed_at == membership.granted_at


@pytest.mark.parametrize("role", [MEMBER, REVIEWER])
def test_members_and_reviewers_cannot_grant(
    grant: Grant, make_user, workspace: Workspace, role: MembershipRole
) -> None:
    person = make_user()
    grant(person, role)

    with pytest.raises(PermissionDenied):
        services.membership_grant(
            workspace=workspace, user=make_user(), role=REVIEWER, reason="Help", actor=person
        )


def test_nobody_grants_themselves_access(lead: User, workspace: Workspace) -> None:
    with pytest.raises(PermissionDenied, match="yourself"):
        services.membership_grant(
            workspace=workspace, user=lead, role=LEAD, reason="Again", actor=lead
        )


def test_a_member_cannot_raise_their_own_role(grant: Grant, make_user, workspace) -> None:
    person = make_user()
    membership = grant(person, REVIEWER)

    def promote_myself() -> None:
        services.membership_grant(
            workspace=workspace, user=person, role=LEAD, reason="Promote me", actor=person
        )

    with pytest.raises(PermissionDenied):
        promote_myself()
    services.membership_revoke(membership=membership, reason="Leaving to rejoin", actor=person)
    with pytest.raises(PermissionDenied):
        promote_myself()
    assert not Membership.objects.live().filter(user=person).exists()


def test_a_disabled_account_cannot_be_given_access(grant: Grant, make_user) -> None:
    with pytest.raises(ValidationError, match="disabled"):
        grant(make_user(is_active=False))


def test_a_disabled_lead_cannot_grant(
    lead: User, workspace: Workspace, make_user, administrator
) -> None:
    accounts_services.staff_deactivate(user=lead, actor=administrator, reason="Left")
    lead.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.membership_grant(
            workspace=workspace, user=make_user(), role=MEMBER, reason="Help", actor=lead
        )


def test_an_end_date_must_be_in_the_future(grant: Grant, make_user) -> None:
    with pytest.raises(ValidationError, match="future"):
        grant(make_user(), expires_at=timezone.now() - timedelta(minutes=1))


def test_a_lead_role_has_no_end_date(grant: Grant, make_user) -> None:
    with pytest.raises(ValidationError, match="no end date"):
        grant(make_user(), LEAD, expires_at=timezone.now() + timedelta(days=1))


def test_an_expired_membership_is_closed_off_when_access_is_given_again(
    grant: Grant, make_user, clock, lead: User
) -> None:
    person = make_user()
    first = grant(person, expires_at=timezone.now() + timedelta(days=1))
    clock.move_to(timezone.now() + timedelta(days=2))

    second = grant(person, REVIEWER, reason="Back for the final panel")

    first.refresh_from_db()
    assert first.revoked_at is not None
    assert (first.revoked_by, first.revocation_reason) == (lead, "Expired; replaced by a new grant")
    assert Membership.objects.live().get(user=person) == second


def test_no_one_is_added_to_a_closed_workspace(
    grant: Grant, make_user, workspace: Workspace, lead: User
) -> None:
    services.workspace_close(workspace=workspace, reason="Review published", actor=lead)

    with pytest.raises(ValidationError, match="closed"):
        grant(make_user())


# --- Revoking ----------------------------------------------------------------------------------


def test_a_member_may_leave(grant: Grant, make_user) -> None:
    person = make_user()
    membership = grant(person)

    services.membership_revoke(membership=membership, reason="Moved team", actor=person)

    membership.refresh_from_db()
    assert (membership.revoked_by, membership.revocation_reason) == (person, "Moved team")


def test_a_member_cannot_remove_someone_else(grant: Grant, make_user) -> None:
    person, other = make_user(), make_user()
    grant(person)
    theirs = grant(other)

    with pytest.raises(PermissionDenied):
        services.membership_revoke(membership=theirs, reason="No", actor=person)


def test_revoking_needs_a_reason(grant: Grant, make_user, lead: User) -> None:
    membership = grant(make_user())
    with pytest.raises(ValidationError, match="Enter why"):
        services.membership_revoke(membership=membership, reason="", actor=lead)


def test_the_last_lead_cannot_be_removed(lead: User, workspace: Workspace) -> None:
    membership = Membership.objects.get(workspace=workspace, user=lead)

    with pytest.raises(ValidationError, match="only lead"):
        services.membership_revoke(membership=membership, reason="Leaving", actor=lead)
    assert membership_of(lead, workspace) is not None


def test_a_lead_may_go_once_there_is_another(
    lead: User, workspace: Workspace, grant: Grant, make_user
) -> None:
    successor = make_user()
    grant(successor, LEAD, reason="Takes over as lead")
    membership = Membership.objects.get(workspace=workspace, user=lead)

    services.membership_revoke(membership=membership, reason="Retiring", actor=lead)

    assert membership_of(lead, workspace) is None
    # And the successor, now the only lead, cannot be removed in turn.
    with pytest.raises(ValidationError, match="only lead"):
        services.membership_revoke(
            membership=membership_of(successor, workspace),  # type: ignore[arg-type]
            reason="x",
            actor=successor,
        )


def test_access_ends_once(grant: Grant, make_user, lead: User) -> None:
    membership = grant(make_user())
    services.membership_revoke(membership=membership, reason="Done", actor=lead)

    with pytest.raises(ValidationError, match="already ended"):
        services.membership_revoke(membership=membership, reason="Again", actor=lead)


# --- Confirming (recertification) and closing --------------------------------------------------


def test_a_lead_confirms_a_member_still_needs_access(
    grant: Grant, make_user, lead: User, clock
) -> None:
    membership = grant(make_user())
    clock.move_to(timezone.now() + timedelta(days=90))

    services.membership_confirm(membership=membership, actor=lead)

    membership.refresh_from_db()
    assert membership.confirmed_at > membership.granted_at + timedelta(days=89)
    assert actions()[-1] == "workspaces.membership.confirmed"


def test_no_one_confirms_their_own_access(lead: User, workspace: Workspace) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_confirm(
            membership=Membership.objects.get(user=lead, workspace=workspace), actor=lead
        )


def test_only_a_lead_confirms(grant: Grant, make_user) -> None:
    person = make_user()
    grant(person)
    other = grant(make_user())
    with pytest.raises(PermissionDenied):
        services.membership_confirm(membership=other, actor=person)


def test_closing_needs_a_lead_and_a_reason(
    grant: Grant, make_user, workspace: Workspace, lead: User
) -> None:
    person = make_user()
    grant(person)
    with pytest.raises(PermissionDenied):
        services.workspace_close(workspace=workspace, reason="Done", actor=person)
    with pytest.raises(ValidationError):
        services.workspace_close(workspace=workspace, reason=" ", actor=lead)

    services.workspace_close(workspace=workspace, reason="Review published", actor=lead)

    workspace.refresh_from_db()
    assert workspace.is_closed
    assert list(workspaces_for(person)) == [workspace]  # members still read a closed workspace
    with pytest.raises(ValidationError, match="already closed"):
        services.workspace_close(workspace=workspace, reason="Again", actor=lead)


# --- Roles in views ----------------------------------------------------------------------------


def test_require_role(grant: Grant, make_user, workspace: Workspace, lead: User) -> None:
    reviewer = make_user()
    grant(reviewer, REVIEWER)

    assert require_role(lead, workspace, LEAD).user == lead
    assert require_role(reviewer, workspace).role == REVIEWER
    with pytest.raises(PermissionDenied):
        require_role(reviewer, workspace, LEAD, MEMBER)
    with pytest.raises(Http404):
        require_role(make_user(), workspace, REVIEWER)


def test_members_of_is_for_members_only(
    grant: Grant, make_user, workspace: Workspace, lead: User, administrator: User
) -> None:
    person = make_user()
    membership = grant(person, REVIEWER)
    gone = grant(make_user())
    services.membership_revoke(membership=gone, reason="Left", actor=lead)

    assert set(members_of(workspace, user=person)) == {
        membership,
        Membership.objects.get(user=lead),
    }
    with pytest.raises(Http404):
        members_of(workspace, user=administrator)


# --- What the database refuses -----------------------------------------------------------------


def refused(**changes: object) -> Callable[[Membership], None]:
    def apply(membership: Membership) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.filter(pk=membership.pk).update(**changes)

    return apply


@pytest.mark.parametrize(
    "changes",
    [
        {"reason": "   "},
        {"revoked_at": timezone.now()},  # revoked without by whom or why
        {"revocation_reason": "Left"},  # a reason without a revocation
        {"role": "owner"},
        {"expires_at": timezone.now() - timedelta(days=3650)},
    ],
    ids=["blank reason", "revoked silently", "reason alone", "unknown role", "expired first"],
)
def test_the_database_refuses_inconsistent_memberships(
    grant: Grant, make_user, changes: dict[str, object]
) -> None:
    refused(**changes)(grant(make_user()))


def test_the_database_refuses_a_lead_with_an_end_date(lead: User) -> None:
    refused(expires_at=timezone.now() + timedelta(days=1))(Membership.objects.get(user=lead))


def test_the_database_refuses_a_second_live_membership(
    grant: Grant, make_user, workspace: Workspace, lead: User
) -> None:
    person = make_user()
    grant(person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            workspace=workspace, user=person, role=MEMBER, granted_by=lead, reason="Twice"
        )
