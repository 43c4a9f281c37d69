from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import pytest_django.fixtures
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

from safeguarding.accounts.middleware import SESSION_STARTED_KEY
from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.actions import register as register_audit_actions
from tests import clock as test_clock
from tests.factories import UserFactory
from tests.smtp import Mailbox, SMTPSink

# Audit actions that only the tests write (an app registers its own in audit_actions.py).
register_audit_actions(
    "tests",
    {
        "tests.thing.changed": "A test changed a thing",
        "tests.thing.happened": "Something happened in a test",
        "tests.thing.viewed": "A test looked at a thing",
        "tests.sweep.finished": "A test's sweep finished",
        "tests.rights_request.received": "A test's request came in",
        "tests.rights_request.updated": "A test's request changed",
    },
)

# --- Hypothesis: how many examples property tests try ------------------------------------------

# "ci" is the default: 200 examples per property, no example database (each run starts fresh,
# and a failure prints its example and the blob that replays it). "dev" tries 25, for a quick
# inner loop: HYPOTHESIS_PROFILE=dev make test-fast.
hypothesis_settings.register_profile("ci", max_examples=200, database=None, print_blob=True)
hypothesis_settings.register_profile(
    "dev", parent=hypothesis_settings.get_profile("ci"), max_examples=25
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# --- The clock: an input of the suite (tests/clock.py) ----------------------------------------

_whole_run_clock: time_machine.travel | None = None
_SKIPPED_FOR_CLOCK = "starts real processes, which keep the real clock (TEST_CLOCK is set)"


def pytest_configure(config: pytest.Config) -> None:
    """With TEST_CLOCK set, the whole run starts at that moment and the clock ticks from there."""
    global _whole_run_clock
    try:
        moment = test_clock.moment_from_environment()
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
    if moment is not None and _whole_run_clock is None:
        _whole_run_clock = time_machine.travel(moment.when, tick=True)
        _whole_run_clock.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    global _whole_run_clock
    if _whole_run_clock is not None:
        _whole_run_clock.stop()
        _whole_run_clock = None


def pytest_report_header(config: pytest.Config) -> str:
    moment = test_clock.moment_from_environment()
    if moment is None:
        return "clock: the real one (set TEST_CLOCK to run at an edge moment, see tests/clock.py)"
    return (
        f"clock: TEST_CLOCK={moment.name} starts the run at {moment.when.isoformat()} "
        f"({moment.why}); replay with TEST_CLOCK={moment.name}"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith("tests/browser/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.processes)
    if test_clock.moment_from_environment() is not None:
        skip = pytest.mark.skip(reason=_SKIPPED_FOR_CLOCK)
        for item in items:
            if item.get_closest_marker("processes"):
                item.add_marker(skip)


@pytest.fixture
def clock(time_machine: time_machine.TimeMachineFixture) -> time_machine.TimeMachineFixture:
    """Set "now" for a test: ``clock.move_to(when)``; the clock ticks on from there
    (``tick=False`` holds it still), and ``clock.shift(timedelta(...))`` moves it on."""
    return time_machine


@contextmanager
def rolled_back() -> Iterator[None]:
    """A transaction rolled back at the end, as Django's own test case wraps each test: marked
    the same way, so the durable services a view calls run inside it as they do in a test."""
    block = transaction.atomic()
    block._from_testcase = True  # type: ignore[attr-defined]
    with block:
        yield
        transaction.set_rollback(True)


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
        # The worker calls close_old_connections(), which drops a connection left inside a
        # transaction: on PostgreSQL that is the test's own, so the test must not be wrapped in one.
        assert not connection.in_atomic_block, (
            "run_tasks needs @pytest.mark.django_db(transaction=True): the worker closes a "
            "connection that is inside the test's transaction"
        )
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
    """Each test starts with empty caches, so rate limits, cached page fragments and the
    pages a process keeps never leak between tests."""
    from django.core.cache import caches

    from safeguarding.core.fragment_cache import forget_pages

    for cache in caches.all(initialized_only=False):
        cache.clear()
    forget_pages()
    yield
    for cache in caches.all(initialized_only=False):
        cache.clear()
    forget_pages()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly when the browser tests could not run (tests/browser/conftest.py skips them),
    and how many tests a TEST_CLOCK run left to the normal run."""
    from tests.browser.conftest import missing_reason

    moment = test_clock.moment_from_environment()
    if moment is not None:
        left_out = sum(
            1
            for report in terminalreporter.stats.get("skipped", [])
            if _SKIPPED_FOR_CLOCK in str(report.longrepr)
        )
        terminalreporter.write_line(
            f"Clock: ran at {moment.name} ({moment.when.isoformat()}); {left_out} test(s) that "
            "start real processes were left to the normal run",
            bold=True,
        )
        return
    reason = missing_reason()
    if reason:
        terminalreporter.write_line(f"Browser tests SKIPPED: {reason}", yellow=True, bold=True)
