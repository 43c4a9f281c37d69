"""The decorator every workspace page starts with (safeguarding.workspaces.pages)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import RequestFactory

from safeguarding.accounts.models import User
from safeguarding.workspaces import kinds
from safeguarding.workspaces.models import MembershipRole, ReadLog, Workspace
from safeguarding.workspaces.pages import WorkspacePage, allowed_roles, workspace_view
from tests.workspaces.conftest import KIND

pytestmark = pytest.mark.django_db

LEAD, MEMBER, REVIEWER = MembershipRole.LEAD, MembershipRole.MEMBER, MembershipRole.REVIEWER
seen: list[WorkspacePage] = []


def _request(user: User) -> HttpRequest:
    request = RequestFactory().get("/staff/workspaces/1/")
    user.is_verified = lambda: True  # type: ignore[attr-defined]  # as OTPMiddleware sets it
    request.user = user
    return request


@workspace_view()
def any_member(request: HttpRequest, page: WorkspacePage, **extra: Any) -> HttpResponse:
    seen.append(page)
    return HttpResponse(str(extra))


@workspace_view(role=LEAD, kwarg="workspace_pk", purpose="check the leads")
def leads_only(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    return HttpResponse("lead")


def test_a_member_gets_the_page_with_their_workspace_and_role_and_no_store(
    workspace: Workspace, grant, make_user
) -> None:
    reviewer = make_user()
    grant(reviewer, REVIEWER)

    response = any_member(_request(reviewer), pk=workspace.pk, document_pk=7)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response.content == b"{'document_pk': 7}"
    page = seen[-1]
    assert (page.workspace, page.role, page.viewer) == (workspace, REVIEWER, reviewer)
    assert not page.is_lead
    assert not page.may_write
    assert page.kind_label == "Test review"
    read = ReadLog.objects.get()
    assert (read.user, read.workspace, read.purpose) == (reviewer, workspace, "any member")
    assert read.target_type == "workspaces.workspace"


@pytest.mark.parametrize("who", ["outsider", "administrator", "expired", "revoked", "disabled"])
def test_anyone_without_a_live_membership_gets_404_and_nothing_is_logged(
    who: str, workspace: Workspace, grant, lead, make_user, administrator, clock
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from safeguarding.workspaces import services

    person = administrator if who == "administrator" else make_user()
    if who == "expired":
        grant(person, expires_at=timezone.now() + timedelta(days=1))
        clock.move_to(timezone.now() + timedelta(days=2))
    elif who == "revoked":
        services.membership_revoke(membership=grant(person), reason="Left", actor=lead)
    elif who == "disabled":
        grant(person)
        User.objects.filter(pk=person.pk).update(is_active=False)
        person.refresh_from_db()

    with pytest.raises(Http404):
        any_member(_request(person), pk=workspace.pk)
    with pytest.raises(Http404):
        leads_only(_request(person), workspace_pk=workspace.pk)
    assert not ReadLog.objects.exists()


def test_a_workspace_that_does_not_exist_is_404_too(lead: User) -> None:
    with pytest.raises(Http404):
        any_member(_request(lead), pk=10**12)


@pytest.mark.parametrize("role", [MEMBER, REVIEWER])
def test_a_member_below_the_role_is_refused_with_403(
    role: MembershipRole, workspace: Workspace, grant, make_user
) -> None:
    member = make_user()
    grant(member, role)

    with pytest.raises(PermissionDenied):
        leads_only(_request(member), workspace_pk=workspace.pk)


def test_a_lead_passes_a_lead_page_and_the_read_has_its_purpose(
    workspace: Workspace, lead: User
) -> None:
    response = leads_only(_request(lead), workspace_pk=workspace.pk)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert ReadLog.objects.get().purpose == "check the leads"


def test_roles_rank_so_a_member_page_lets_leads_in() -> None:
    assert allowed_roles(None) == ()
    assert set(allowed_roles(MEMBER)) == {MEMBER, LEAD}
    assert allowed_roles(LEAD) == (LEAD,)
    assert set(allowed_roles(REVIEWER)) == {LEAD, MEMBER, REVIEWER}


def test_the_page_links_back_to_the_owning_apps_page_when_the_kind_has_one(
    workspace: Workspace, lead: User
) -> None:
    any_member(_request(lead), pk=workspace.pk)
    assert seen[-1].home_url == "/staff/"  # no page registered: the dashboard

    kinds.register_kind(KIND, "Test review", home_url=lambda w: f"/staff/reviews/{w.pk}/")
    try:
        any_member(_request(lead), pk=workspace.pk)
        assert seen[-1].home_url == f"/staff/reviews/{workspace.pk}/"
        assert kinds.kind_label(KIND) == "Test review"
    finally:
        kinds.register_kind(KIND, "Test review")


def test_a_kind_code_must_be_a_short_lower_case_code() -> None:
    with pytest.raises(ValueError, match="short lower-case code"):
        kinds.register_kind("Case Review", "Case review")
