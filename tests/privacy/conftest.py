"""Personas shared by the rights request tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from tests.conftest import sign_in


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD)


@pytest.fixture
def lead_client(client: Client, lead: User) -> Client:
    sign_in(client, lead)
    return client
