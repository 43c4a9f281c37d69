"""The task worker (``manage.py run_worker``): django_tasks_db's worker, made to outlive a
database outage and to watch for work a lost worker left behind.

- **Database outages.** When the database cannot be reached (a restart, a fail-over, the
  network), the worker closes its connection and tries again after 0.5 s, doubling to 30 s,
  with jitter, saying so in its log. A task the outage interrupted runs again from the start
  once the database is back (tasks read before they act, and a campaign batch's claims make
  a repeat safe); a task that had finished has its result recorded then. If the database has
  not answered for TASK_WORKER_MAX_OUTAGE_SECONDS, the worker exits non-zero with a one-line
  reason, for its supervisor (``manage.py supervise``, systemd) to restart it: it never sits
  alive doing nothing.
- **Checks.** Every TASK_WORKER_CHECK_SECONDS, between tasks, the worker runs the functions
  registered with ``@worker_check`` (the newsletter's: campaigns whose worker was lost get a
  new batch within a minute, whatever the scheduler's timing).
"""

from __future__ import annotations

import contextlib
import logging
import random
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from safeguarding.core.database import DATABASE_UNAVAILABLE

logger = logging.getLogger(__name__)

FIRST_WAIT = 0.5  # seconds before the first try to reconnect; doubles to LONGEST_WAIT
LONGEST_WAIT = 30.0
TASKS_BETWEEN_CHECKS = 20  # the checks run at least this often under a long queue

_checks: dict[str, Callable[[], object]] = {}


def worker_check(name: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register a function every worker runs every TASK_WORKER_CHECK_SECONDS. It must be
    cheap, and safe to run in several workers at once."""

    def register(check: Callable[[], object]) -> Callable[[], object]:
        _checks[name] = check
        return check

    return register


def registered_checks() -> dict[str, Callable[[], object]]:
    return dict(_checks)


class DatabaseGone(Exception):
    """The database did not answer for TASK_WORKER_MAX_OUTAGE_SECONDS."""


class _Interrupted(Exception):
    """A task was cut short by a database outage (or could not record its result)."""

    def __init__(self, result: DBTaskResult[Any, Any], *, returned: bool, value: Any) -> None:
        super().__init__("interrupted by a database outage")
        self.result = result
        self.returned = returned
        self.value = value


def close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_UNAVAILABLE):  # broken already: Django forgets it
            connection.close()


class Outage:
    """Backoff while the database is unavailable, and the limit on how long to wait."""

    def __init__(self, *, limit: float) -> None:
        self.limit = limit
        self.started: float | None = None
        self.wait = FIRST_WAIT

    def failed(self, error: BaseException) -> None:
        """Called when the database did not answer: wait before the next try, or give up."""
        now = time.monotonic()
        if self.started is None:
            self.started = now
            logger.warning(
                "The database cannot be reached (%s); the worker will keep trying for %ss",
                type(error).__name__,
                int(self.limit),
            )
        elif now - self.started >= self.limit:
            raise DatabaseGone(
                f"The database could not be reached for {int(now - self.started)}s "
                f"(last error: {type(error).__name__}); the worker is exiting so that its "
                "supervisor starts a new one."
            )
        close_connections()
        time.sleep(self.wait * random.uniform(0.5, 1.0))  # noqa: S311  (jitter, not secrecy)
        self.wait = min(self.wait * 2, LONGEST_WAIT)

    def answered(self) -> None:
        if self.started is not None:
            logger.warning(
                "The database answered again after %ss; the worker carries on",
                int(time.monotonic() - self.started),
            )
        self.started = None
        self.wait = FIRST_WAIT


class ResilientWorker(Worker):
    """django_tasks_db's worker, run in slices (its batch mode: until the queue is empty or
    TASKS_BETWEEN_CHECKS tasks ran), with the checks and the outage handling between them."""

    def __init__(self, *, max_outage_seconds: float, check_seconds: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.outage = Outage(limit=max_outage_seconds)
        self.check_seconds = check_seconds
        self.checked_at: float | None = None
        self.interrupted: _Interrupted | None = None

    def run(self) -> None:
        logger.info("Worker %s started", self.worker_id)
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311  (spread workers started together)
        self.startup_delay = False
        self.batch = True
        self.max_tasks = TASKS_BETWEEN_CHECKS
        while self.running:
            try:
                self._settle_interrupted()
                self._run_checks_if_due()
                self._run_tasks = 0
                super().run()
                self.outage.answered()
            except DATABASE_UNAVAILABLE as error:
                self.outage.failed(error)
                continue
            except _Interrupted as interrupted:
                self.interrupted = interrupted
                self.outage.failed(interrupted.__cause__ or interrupted)
                continue
            idle = self._run_tasks < TASKS_BETWEEN_CHECKS
            if idle and self.running:
                time.sleep(self.interval)

    def run_task(self, db_task_result: DBTaskResult[Any, Any]) -> None:
        """The library's, except that a database outage does not record the task as failed
        (or leave it marked running for ever): see ``_settle_interrupted``."""
        returned: list[Any] = []
        record_success = db_task_result.set_successful
        record_failure = db_task_result.set_failed

        def set_successful(value: Any) -> None:
            returned.append(value)
            record_success(value)

        def set_failed(error: BaseException) -> None:
            if isinstance(error, DATABASE_UNAVAILABLE):
                raise _Interrupted(
                    db_task_result, returned=bool(returned), value=returned[0] if returned else None
                ) from error
            record_failure(error)

        db_task_result.set_successful = set_successful
        db_task_result.set_failed = set_failed
        super().run_task(db_task_result)

    def _settle_interrupted(self) -> None:
        """Once the database answers: record the result of a task that had finished, or put
        an interrupted one back in the queue to run again."""
        interrupted = self.interrupted
        if interrupted is None:
            return
        result = interrupted.result
        if interrupted.returned:
            DBTaskResult.set_successful(result, interrupted.value)
            logger.warning("Task %s: its result was recorded after the outage", result.id)
        else:
            DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.READY
            )
            logger.warning("Task %s was interrupted by the outage; it will run again", result.id)
        self.interrupted = None

    def _run_checks_if_due(self) -> None:
        now = time.monotonic()
        if self.checked_at is not None and now - self.checked_at < self.check_seconds:
            return
        self.checked_at = now
        for name, check in registered_checks().items():
            try:
                check()
            except DATABASE_UNAVAILABLE:
                raise
            except Exception as error:  # one check's failure must not stop the others
                logger.error("Worker check %s failed (%s)", name, type(error).__name__)


def worker_settings() -> dict[str, float]:
    return {
        "max_outage_seconds": settings.TASK_WORKER_MAX_OUTAGE_SECONDS,
        "check_seconds": settings.TASK_WORKER_CHECK_SECONDS,
    }
