from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django_tasks_db.models import DBTaskResult

from safeguarding.core import scheduler
from safeguarding.core.models import ScheduledRun
from safeguarding.core.scheduler import PeriodicJob, enqueue_due_jobs, registered_jobs
from tests.clock import at_london

AT_3AM = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
# Late enough in the morning that every daily job's hour has come (a job that emails people
# may wait for the working day: case reviews' clock reminders wait until 6).
ALL_DUE = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def test_the_daily_housekeeping_jobs_are_registered() -> None:
    names = {job.name for job in registered_jobs()}
    assert {"privacy.retention_sweep", "privacy.prune_unconfirmed_requests"} <= names


@pytest.mark.django_db(transaction=True)
def test_each_job_is_enqueued_once_per_day_however_often_the_scheduler_runs() -> None:
    first = enqueue_due_jobs(now=ALL_DUE)
    second = enqueue_due_jobs(now=ALL_DUE + timedelta(minutes=5))

    assert set(first) == {job.name for job in registered_jobs()}
    assert second == []
    assert DBTaskResult.objects.count() == len(first)


@pytest.mark.django_db(transaction=True)
def test_a_failing_queue_write_leaves_the_day_unclaimed_to_be_tried_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    [job, *_] = registered_jobs()
    real_enqueue = scheduler.enqueue_in_transaction

    def refuse_the_first_job(task: Any) -> None:
        if task is job.task:
            raise DatabaseError("the queue table is unavailable")
        real_enqueue(task)

    with monkeypatch.context() as patched:
        patched.setattr(scheduler, "enqueue_in_transaction", refuse_the_first_job)
        first = enqueue_due_jobs(now=AT_3AM)
    again = enqueue_due_jobs(now=AT_3AM + timedelta(minutes=5))

    assert job.name not in first
    assert again == [job.name]
    assert ScheduledRun.objects.filter(job=job.name).count() == 1
    assert DBTaskResult.objects.count() == len(first) + 1


@pytest.mark.django_db(transaction=True)
def test_the_next_day_runs_again() -> None:
    enqueue_due_jobs(now=ALL_DUE)
    again = enqueue_due_jobs(now=ALL_DUE + timedelta(days=1))

    assert set(again) == {job.name for job in registered_jobs()}


@pytest.mark.django_db(transaction=True)
def test_daily_jobs_wait_for_the_night() -> None:
    daily = {job.name for job in registered_jobs() if job.every >= timedelta(days=1)}
    assert not daily & set(enqueue_due_jobs(now=datetime(2026, 11, 29, 0, 30, tzinfo=UTC)))


@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_enqueued_jobs(run_tasks) -> None:
    enqueue_due_jobs(now=AT_3AM)
    run_tasks()

    statuses = set(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == {"SUCCESSFUL"}


@pytest.mark.django_db
def test_the_cron_command_enqueues_every_job_once_the_daily_hour_has_come(clock, capsys) -> None:
    clock.move_to(at_london(2027, 1, 19, 9, 0))

    call_command("enqueue_due_jobs")

    assert f"{len(registered_jobs())} periodic job(s)" in capsys.readouterr().out
    assert set(ScheduledRun.objects.values_list("job", flat=True)) == {
        job.name for job in registered_jobs()
    }


@pytest.mark.django_db
def test_after_midnight_the_cron_command_enqueues_only_the_jobs_that_run_all_day(
    clock, capsys
) -> None:
    clock.move_to(at_london(2027, 1, 19, 0, 27))

    call_command("enqueue_due_jobs")

    all_day = {job.name for job in registered_jobs() if job.not_before_hour == 0}
    assert all_day  # the offer expiry runs every 15 minutes, day and night
    assert f"{len(all_day)} periodic job(s)" in capsys.readouterr().out
    assert set(ScheduledRun.objects.values_list("job", flat=True)) == all_day


def test_period_keys_for_short_intervals_are_buckets() -> None:
    job = PeriodicJob(name="x", task=registered_jobs()[0].task, every=timedelta(minutes=15))
    assert job.period_key(AT_3AM) == job.period_key(AT_3AM + timedelta(minutes=14, seconds=59))
    assert job.period_key(AT_3AM) != job.period_key(AT_3AM + timedelta(minutes=15))
