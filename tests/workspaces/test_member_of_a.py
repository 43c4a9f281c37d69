"""``is_member_of_a`` (asked by every staff page's navigation) runs the ORM's statement for
live memberships compiled once per process: it must answer as ``Membership.objects.live()``
does, and a membership given or ended shows in the navigation on the next request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.casereviews.models import KIND as CASE_REVIEW
from safeguarding.workspaces import services
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace
from safeguarding.workspaces.selectors import is_member_of_a
from tests.conftest import sign_in
from tests.workspaces.conftest import KIND

pytestmark = pytest.mark.django_db


def _membership(make_user: Callable[..., User], kind: str, **fields: object) -> Membership:
    lead = make_user()
    workspace = Workspace.objects.create(kind=kind, title="Review 1", created_by=lead)
    granted = timezone.now() - timedelta(days=2)  # so it may have ended since
    fields.update(granted_at=granted, confirmed_at=granted)
    if fields.get("revoked_at") is not None:
        fields.update(revoked_by=lead, revocation_reason="Left the panel")
    return Membership.objects.create(
        workspace=workspace,
        user=make_user(),
        role=MembershipRole.MEMBER,
        granted_by=lead,
        reason="Panel member",
        **fields,
    )


def test_it_answers_as_the_live_memberships_do(make_user: Callable[..., User]) -> None:
    now = timezone.now()
    memberships = [
        _membership(make_user, KIND),
        _membership(make_user, KIND, expires_at=now + timedelta(days=1)),
        _membership(make_user, KIND, expires_at=now - timedelta(seconds=1)),
        _membership(make_user, KIND, revoked_at=now - timedelta(days=1)),
        _membership(make_user, KIND, lapsed_at=now - timedelta(days=1)),
        _membership(make_user, CASE_REVIEW),
    ]
    people = [membership.user for membership in memberships] + [make_user()]
    answers = {
        (person.pk, kind): is_member_of_a(kind, person)
        for person in people
        for kind in (KIND, CASE_REVIEW)
    }
    expected = {
        (person.pk, kind): Membership.objects.live()
        .filter(user=person, workspace__kind=kind)
        .exists()
        for person in people
        for kind in (KIND, CASE_REVIEW)
    }
    assert answers == expected
    assert sum(answers.values()) == 3  # the live one, the one not yet expired, the other kind

    member = memberships[0].user
    member.is_active = False
    assert not is_member_of_a(KIND, member)
    assert not is_member_of_a(KIND, AnonymousUser())


def test_a_membership_given_then_ended_shows_in_the_navigation_on_the_next_request(
    make_user: Callable[..., User],
) -> None:
    lead, reviewer = make_user(), make_user()  # an independent reviewer: no role
    workspace = services.workspace_create(kind=CASE_REVIEW, title="Review 2", lead=lead, actor=lead)
    client = Client()
    sign_in(client, reviewer)
    dashboard = reverse("accounts:dashboard")
    tool = f'href="{reverse("casereviews:staff_home")}"'
    assert tool not in client.get(dashboard).text

    membership = services.membership_grant(
        workspace=workspace,
        user=reviewer,
        role=MembershipRole.REVIEWER,
        reason="Independent reviewer",
        actor=lead,
    )
    assert tool in client.get(dashboard).text

    services.membership_revoke(membership=membership, reason="Review done", actor=lead)
    assert tool not in client.get(dashboard).text
