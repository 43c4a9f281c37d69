"""The access table's workspace pages, tried by each kind of member (the table itself tries
every role, which a workspace never lets in: tests/accounts/test_access_table.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.audit.models import AuditEntry
from safeguarding.workspaces.models import Document, Membership, SharingDecision
from tests.access import collect
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WORKSPACE_PAGES = {name: access for name, access in collect().items() if access.in_workspace}
CASES = [
    (name, role, expected)
    for name, access in sorted(WORKSPACE_PAGES.items())
    for role, expected in access.members.items()
]


def test_every_workspace_url_is_in_the_table_with_each_kind_of_member() -> None:
    shared = {name for name in WORKSPACE_PAGES if name.startswith("workspaces:")}
    assert len(shared) == 10  # and the pages of each app that owns a kind of workspace
    for access in WORKSPACE_PAGES.values():
        assert set(access.members) == {"lead", "member", "reviewer"}


@pytest.mark.parametrize(("name", "role", "expected"), CASES, ids=[f"{r}-{n}" for n, r, _ in CASES])
def test_a_workspace_page_as_each_kind_of_member(name: str, role: str, expected: int) -> None:
    access = WORKSPACE_PAGES[name]
    user = UserFactory()
    client = Client()
    sign_in(client, user)
    assert access.in_workspace is not None
    url = reverse(name, kwargs=access.in_workspace(user, role))

    response = getattr(client, access.method)(url)

    assert response.status_code == expected
    assert response["Cache-Control"] == "no-store"


REFUSED = [(name, role) for name, role, expected in CASES if expected >= 400]


@pytest.mark.parametrize(("name", "role"), REFUSED, ids=[f"{r}-{n}" for n, r in REFUSED])
def test_a_member_refused_a_page_is_refused_a_post_to_it_and_nothing_is_written(
    name: str, role: str
) -> None:
    access = WORKSPACE_PAGES[name]
    user = UserFactory()
    client = Client()
    sign_in(client, user)
    assert access.in_workspace is not None
    url = reverse(name, kwargs=access.in_workspace(user, role))
    before = (
        AuditEntry.objects.count(),
        Membership.objects.count(),
        Document.objects.count(),
        SharingDecision.objects.count(),
    )

    response = client.post(url, {"reason": "x", "title": "x", "user": user.pk, "role": "lead"})

    assert response.status_code in (403, 405)  # 405: a page that takes no POST at all
    assert before == (
        AuditEntry.objects.count(),
        Membership.objects.count(),
        Document.objects.count(),
        SharingDecision.objects.count(),
    )
