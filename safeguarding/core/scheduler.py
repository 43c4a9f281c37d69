"""Periodic jobs: a registry, and an idempotent "enqueue what is due" step.

Each job runs at most once per period, across any number of schedulers on any number of
machines: claiming a period inserts a row keyed (job, period) and the unique constraint
decides who won. ``manage.py enqueue_due_jobs`` does one pass (for cron or a systemd timer);
``manage.py run_scheduler`` repeats it every minute (used by ``make run``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from safeguarding.core.models import ScheduledRun
from safeguarding.core.tasks import enqueue_in_transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: Task[Any, Any]
    every: timedelta
    # Daily jobs run after this local hour (Europe/London), so they happen overnight.
    not_before_hour: int = 0

    def period_key(self, now: datetime) -> str | None:
        local = timezone.localtime(now)
        if local.hour < self.not_before_hour:
            return None
        if self.every >= timedelta(days=1):
            return local.strftime("%Y-%m-%d")
        bucket = int(now.timestamp() // self.every.total_seconds())
        return f"{bucket}"


_registry: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> PeriodicJob:
    _registry[job.name] = job
    return job


def daily(name: str, *, not_before_hour: int = 2) -> Callable[[Task[Any, Any]], Task[Any, Any]]:
    """Decorator for a task to run once a day: ``@daily("retention.sweep")`` above ``@task``."""

    def wrap(task_to_run: Task[Any, Any]) -> Task[Any, Any]:
        register(
            PeriodicJob(
                name=name,
                task=task_to_run,
                every=timedelta(days=1),
                not_before_hour=not_before_hour,
            )
        )
        return task_to_run

    return wrap


def registered_jobs() -> list[PeriodicJob]:
    return sorted(_registry.values(), key=lambda job: job.name)


def enqueue_due_jobs(*, now: datetime | None = None) -> list[str]:
    """Enqueue each job whose current period has not been claimed yet. Safe to run often."""
    now = now or timezone.now()
    started: list[str] = []
    for job in registered_jobs():
        key = job.period_key(now)
        if key is None:
            continue
        try:
            # The claim and the queued task are written together: a failing queue write
            # leaves the period unclaimed, to be tried again, never claimed and skipped.
            with transaction.atomic():
                ScheduledRun.objects.create(job=job.name, period=key)
                enqueue_in_transaction(job.task)
        except IntegrityError:
            continue  # another scheduler claimed this period
        except DatabaseError:
            logger.exception("Could not queue periodic job %s; the next pass tries again", job.name)
            continue
        started.append(job.name)
        logger.info("Enqueued periodic job %s for period %s", job.name, key)
    return started
