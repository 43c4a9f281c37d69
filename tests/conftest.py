from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import pytest_django.fixtures
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.middleware import SESSION_STARTED_KEY
from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from tests.factories import UserFactory
from tests.smtp import Mailbox, SMTPSink


def sign_in(client: Client, user: User, *, verified: bool = True) -> None:
    """Sign ``user`` in as our login view would; ``verified`` also completes MFA."""
    client.force_login(user)
    session = client.session
    session[SESSION_STARTED_KEY] = timezone.now().isoformat()
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, defaults={"confirmed": True, "name": "test"}
        )
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(*roles: Role, **kwargs: object) -> User:
        return UserFactory(roles=[str(role) for role in roles], **kwargs)

    return make


@pytest.fixture
def administrator(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNERSHIP_ADMINISTRATOR)


@pytest.fixture
def colleague(make_user: Callable[..., User]) -> User:
    return make_user(Role.TRAINING_COORDINATOR)


@pytest.fixture
def run_tasks() -> Callable[[], None]:
    """Run every queued background task to completion in this process, as a worker would."""
    from django.core.management import call_command

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    return run


@pytest.fixture(autouse=True)
def _skip_postgres_only_tests_elsewhere(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip(f"only PostgreSQL enforces this; the test database is {connection.vendor}")


@pytest.fixture
def smtp_server(settings: pytest_django.fixtures.Settings) -> Iterator[Mailbox]:
    """A real SMTP server on loopback; Django's SMTP backend sends to it during the test."""
    sink = SMTPSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink.mailbox
    finally:
        sink.stop()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache, so rate limits never leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly when the browser tests could not run (tests/browser/conftest.py skips them)."""
    from tests.browser.conftest import missing_reason

    reason = missing_reason()
    if reason:
        terminalreporter.write_line(f"Browser tests SKIPPED: {reason}", yellow=True, bold=True)
