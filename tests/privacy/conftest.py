"""Personas and helpers shared by the privacy tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.privacy.retention.services import (
    legal_hold_release_approve,
    legal_hold_release_request,
)
from tests.conftest import sign_in


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD)


@pytest.fixture
def lead_client(client: Client, lead: User) -> Client:
    sign_in(client, lead)
    return client


@pytest.fixture
def second_lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD, full_name="Alex Approver")


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def finished_task(days_ago: int) -> DBTaskResult:
    """A finished background task: the task_results rule deletes it 7 days on."""
    now = timezone.now()
    return DBTaskResult.objects.create(
        args_kwargs={},
        task_path="x",
        backend_name="default",
        run_after=now,
        finished_at=now - timedelta(days=days_ago),
        status="SUCCESSFUL",
    )


def audited(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("sequence"))


def release_with_approval(hold: LegalHold, *, reason: str, requested_by: User) -> LegalHold:
    """Release a hold as the service requires: asked for by one person, approved by another."""
    from tests.factories import UserFactory

    release = legal_hold_release_request(hold=hold, reason=reason, actor=requested_by)
    approver = UserFactory(roles=[str(Role.DATA_PROTECTION_LEAD)])
    return legal_hold_release_approve(release=release, actor=approver)
