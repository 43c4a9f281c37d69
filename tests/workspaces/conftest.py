from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.db import connection, models

from safeguarding.accounts.models import User
from safeguarding.workspaces import services
from safeguarding.workspaces.kinds import register_kind
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace
from tests.workspaces.protected_model import ChildRecord
from tests.workspaces.restricted_model import CaseFile

KIND = "test_review"
register_kind(KIND, "Test review")

MakeWorkspace = Callable[..., Workspace]


@pytest.fixture
def make_workspace(make_user: Callable[..., User]) -> MakeWorkspace:
    def make(*, lead: User | None = None, title: str = "Rapid review 2026-01") -> Workspace:
        lead = lead or make_user()
        return services.workspace_create(kind=KIND, title=title, lead=lead, actor=lead)

    return make


@pytest.fixture
def workspace(make_workspace: MakeWorkspace) -> Workspace:
    return make_workspace()


@pytest.fixture
def lead(workspace: Workspace) -> User:
    return Membership.objects.get(workspace=workspace, role=MembershipRole.LEAD).user


@pytest.fixture
def grant(lead: User, workspace: Workspace) -> Callable[..., Membership]:
    """Give someone access to ``workspace``, granted by its lead."""

    def give(
        user: User, role: MembershipRole = MembershipRole.MEMBER, **kwargs: object
    ) -> Membership:
        kwargs.setdefault("reason", "Panel member for this review")
        return services.membership_grant(
            workspace=workspace, user=user, role=role, actor=lead, **kwargs
        )

    return give


def _test_table(model: type[models.Model], django_db_blocker) -> Iterator[None]:
    """A test-only model's table, made outside any test transaction (SQLite needs that)."""
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(model)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(model)


@pytest.fixture(scope="module")
def case_file_table(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    yield from _test_table(CaseFile, django_db_blocker)


@pytest.fixture(scope="module")
def child_record_table(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """The test-only model with encrypted fields (tests/workspaces/protected_model.py)."""
    yield from _test_table(ChildRecord, django_db_blocker)
