"""The worker (manage.py run_worker) outlives a database outage: it waits with backoff, runs
again a task the outage interrupted, records a result it could not record, and exits
non-zero with one line when the outage lasts too long. (With real processes and a real
PostgreSQL stopped and started: tests/core/test_database_outage.py.)"""

from __future__ import annotations

from typing import Any

import pytest
import pytest_django.fixtures
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from safeguarding.core import worker as worker_module
from safeguarding.core.worker import ResilientWorker

pytestmark = pytest.mark.django_db(transaction=True)

runs: list[str] = []


@task()
def note(*, word: str) -> str:
    """A task for these tests: notes that it ran."""
    runs.append(word)
    return word


@task()
def cut_short_once(*, word: str) -> str:
    """Fails the first time as a query would while the database is down."""
    runs.append(word)
    if runs.count(word) == 1:
        raise OperationalError("server closed the connection unexpectedly")
    return word


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    runs.clear()
    monkeypatch.setattr(worker_module.time, "sleep", lambda seconds: None)


class _StopsWhenIdle(ResilientWorker):
    """Stops once the queue is empty (a real worker waits for more)."""

    def _run_checks_if_due(self) -> None:
        super()._run_checks_if_due()
        waiting = (TaskResultStatus.READY, TaskResultStatus.RUNNING)
        if not DBTaskResult.objects.filter(status__in=waiting).exists():
            self.running = False


def _worker(**overrides: Any) -> ResilientWorker:
    options: dict[str, Any] = {
        "queue_names": ["default"],
        "interval": 0,
        "batch": False,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        "worker_id": "test",
        "excluded_queue_names": [],
        "max_outage_seconds": 60,
        "check_seconds": 0,
    }
    return _StopsWhenIdle(**{**options, **overrides})


def _database_down_for(monkeypatch: pytest.MonkeyPatch, failures: int | None) -> list[int]:
    """Taking a task from the queue fails ``failures`` times (None: every time)."""
    calls: list[int] = []
    real = DBTaskResultQuerySet.get_locked

    def get_locked(self: DBTaskResultQuerySet) -> DBTaskResult | None:
        calls.append(1)
        if failures is None or len(calls) <= failures:
            raise OperationalError("connection refused")
        return real(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", get_locked)
    return calls


def test_the_worker_waits_for_the_database_and_then_runs_the_queue(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    note.enqueue(word="hello")
    calls = _database_down_for(monkeypatch, failures=3)

    _worker().run()

    assert runs == ["hello"]
    assert len(calls) >= 4
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    said = caplog.text
    assert "The database cannot be reached (OperationalError)" in said
    assert "The database answered again" in said


def test_a_task_the_outage_interrupted_runs_again_and_is_not_recorded_as_failed() -> None:
    cut_short_once.enqueue(word="again")

    _worker().run()

    assert runs == ["again", "again"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_finished_task_whose_result_could_not_be_recorded_is_not_run_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    note.enqueue(word="once")
    real = DBTaskResult.set_successful
    attempts: list[int] = []

    def fails_first(self: DBTaskResult, value: Any) -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("the database went away")
        real(self, value)

    monkeypatch.setattr(DBTaskResult, "set_successful", fails_first)

    _worker().run()

    assert runs == ["once"]
    result = DBTaskResult.objects.get()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "once"


def test_the_worker_exits_with_one_line_when_the_outage_lasts_too_long(
    monkeypatch: pytest.MonkeyPatch, settings: pytest_django.fixtures.Settings
) -> None:
    settings.TASK_WORKER_MAX_OUTAGE_SECONDS = 0
    _database_down_for(monkeypatch, failures=None)

    with pytest.raises(CommandError) as raised:
        call_command("run_worker", "--no-startup-delay", "--interval", "0", verbosity=0)

    message = str(raised.value)
    assert message.startswith("The database could not be reached for")
    assert "\n" not in message


def test_run_worker_refuses_batch_mode() -> None:
    with pytest.raises(CommandError, match="db_worker"):
        call_command("run_worker", "--batch", verbosity=0)


def test_the_checks_run_between_tasks_and_one_failing_does_not_stop_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []

    def broken() -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(
        worker_module,
        "_checks",
        {"broken": broken, "fine": lambda: ran.append("fine")},
    )
    note.enqueue(word="x")

    _worker().run()

    assert ran
    assert set(ran) == {"fine"}
    assert runs == ["x"]
