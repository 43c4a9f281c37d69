from __future__ import annotations

from collections.abc import Callable

import pytest
import pytest_django.fixtures
from django.test import Client

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from tests.conftest import sign_in


@pytest.fixture(autouse=True)
def _send_without_pause(settings: pytest_django.fixtures.Settings) -> None:
    """Tests send as fast as the sink takes messages, with HTTPS links as in production."""
    settings.NEWSLETTER_RATE_PER_SECOND = 0
    settings.SITE_URL = "https://safeguarding.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "safeguarding.example.org"]


@pytest.fixture(autouse=True)
def _topics_and_wording(request: pytest.FixtureRequest) -> None:
    """Transactional tests elsewhere flush the rows migration 0002 made; put them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    from tests.newsletter.factories import ensure_defaults

    ensure_defaults()


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.COMMUNICATIONS_OFFICER)


@pytest.fixture
def officer_client(officer: User) -> Client:
    """A communications officer, signed in with MFA."""
    client = Client()
    sign_in(client, officer)
    return client
