"""Restricted records: only a workspace's members see them; outsiders get 404; every read is
logged. (Moved from tests/accounts when need-to-know moved from accounts to workspaces.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from safeguarding.accounts import services as accounts_services
from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.workspaces import services
from safeguarding.workspaces.models import Membership, MembershipRole, ReadLog, Workspace
from safeguarding.workspaces.selectors import get_restricted_or_404, restricted_for_user
from tests.conftest import sign_in
from tests.workspaces.restricted_model import CaseFile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("case_file_table")]


@pytest.fixture
def case_file(workspace: Workspace) -> CaseFile:
    return CaseFile.objects.create(workspace=workspace, title="Rapid review 2026-01 (invented)")


@pytest.fixture
def member(make_user, grant: Callable[..., Membership]) -> User:
    person = make_user()
    grant(person)
    return person


@pytest.fixture
def outsider(make_user) -> User:
    return make_user()


def visible_to(user: User) -> list[CaseFile]:
    return list(restricted_for_user(CaseFile.objects.all(), user=user))


def test_members_see_the_record(member: User, case_file: CaseFile) -> None:
    assert visible_to(member) == [case_file]


def test_outsiders_see_nothing(outsider: User, case_file: CaseFile) -> None:
    assert visible_to(outsider) == []


def test_members_of_another_workspace_see_nothing(
    make_workspace, make_user, case_file: CaseFile
) -> None:
    elsewhere = make_user()
    make_workspace(lead=elsewhere)

    assert visible_to(elsewhere) == []


def test_administrators_are_not_members_by_default(
    administrator: User, case_file: CaseFile
) -> None:
    assert visible_to(administrator) == []
    with pytest.raises(Http404):
        get_restricted_or_404(
            CaseFile.objects.all(), user=administrator, pk=case_file.pk, purpose="view"
        )


def test_outsider_gets_404(outsider: User, case_file: CaseFile) -> None:
    with pytest.raises(Http404):
        get_restricted_or_404(CaseFile.objects.all(), user=outsider, pk=case_file.pk, purpose="x")
    assert not ReadLog.objects.exists()


@pytest.mark.parametrize("pk", [999999, "not-a-number", None])
def test_a_missing_or_malformed_id_is_a_404_too(member: User, pk: object) -> None:
    with pytest.raises(Http404):
        get_restricted_or_404(CaseFile.objects.all(), user=member, pk=pk, purpose="view")


def test_every_read_is_logged(member: User, case_file: CaseFile) -> None:
    get_restricted_or_404(CaseFile.objects.all(), user=member, pk=case_file.pk, purpose="view")
    get_restricted_or_404(CaseFile.objects.all(), user=member, pk=case_file.pk, purpose="print")

    reads = ReadLog.objects.order_by("id")
    assert [(r.user_id, r.workspace_id, r.target_type, r.target_id, r.purpose) for r in reads] == [
        (member.pk, case_file.workspace_id, "tests_restricted.casefile", str(case_file.pk), p)
        for p in ("view", "print")
    ]


def test_an_expired_membership_gives_no_access(
    make_user, grant: Callable[..., Membership], case_file: CaseFile, clock
) -> None:
    person = make_user()
    grant(person, reason="One meeting", expires_at=timezone.now() + timedelta(hours=1))
    assert visible_to(person) == [case_file]

    clock.move_to(timezone.now() + timedelta(hours=1, seconds=1))

    assert visible_to(person) == []


def test_a_revoked_membership_gives_no_access(
    member: User, lead: User, case_file: CaseFile
) -> None:
    membership = Membership.objects.get(user=member)
    services.membership_revoke(membership=membership, actor=lead, reason="Left panel")

    assert visible_to(member) == []
    entry = AuditEntry.objects.get(action="workspaces.membership.revoked")
    assert (entry.actor_id, entry.reason) == (lead.pk, "Left panel")


def test_a_disabled_member_sees_nothing(
    member: User, administrator: User, case_file: CaseFile
) -> None:
    accounts_services.staff_deactivate(user=member, actor=administrator, reason="Left")
    member.refresh_from_db()

    assert visible_to(member) == []


def test_grants_are_audited_with_grantor_and_reason(member: User, lead: User) -> None:
    entry = AuditEntry.objects.get(action="workspaces.membership.granted")

    assert entry.actor_id == lead.pk
    assert entry.reason == "Panel member for this review"
    assert entry.details["member"] == member.pk
    assert entry.details["role"] == "member"


def test_an_outsider_cannot_grant_access(outsider: User, make_user, workspace: Workspace) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            workspace=workspace,
            user=make_user(),
            role=MembershipRole.MEMBER,
            reason="Please",
            actor=outsider,
        )


def test_an_administrator_cannot_grant_access_by_role(
    administrator: User, make_user, workspace: Workspace
) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            workspace=workspace,
            user=administrator,
            role=MembershipRole.LEAD,
            reason="I administer the platform",
            actor=administrator,
        )


def test_a_lead_can_grant_a_colleague(
    grant: Callable[..., Membership], make_user, case_file: CaseFile
) -> None:
    colleague = make_user()
    grant(colleague, reason="Co-author")

    assert visible_to(colleague) == [case_file]


def test_a_grant_needs_a_reason(grant: Callable[..., Membership], outsider: User) -> None:
    with pytest.raises(ValidationError, match="Enter why this person needs access"):
        grant(outsider, reason=" ")
    assert not Membership.objects.filter(user=outsider).exists()


def test_a_second_live_grant_is_refused(member: User, grant: Callable[..., Membership]) -> None:
    with pytest.raises(ValidationError, match="already has access"):
        grant(member, reason="Again")


@pytest.mark.urls("tests.workspaces.restricted_model")
def test_outsider_gets_404_from_the_view(outsider: User, case_file: CaseFile) -> None:
    client = Client()
    sign_in(client, outsider)

    assert client.get(f"/staff/case-files/{case_file.pk}/").status_code == 404
    assert client.get("/staff/case-files/999999/").status_code == 404


@pytest.mark.urls("tests.workspaces.restricted_model")
def test_member_sees_the_record_through_the_view(member: User, case_file: CaseFile) -> None:
    client = Client()
    sign_in(client, member)

    response = client.get(f"/staff/case-files/{case_file.pk}/")

    assert response.status_code == 200
    assert response.content.decode() == case_file.title
    read = ReadLog.objects.get()
    assert (read.user_id, read.purpose) == (member.pk, "view case file")
