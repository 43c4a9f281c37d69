"""Periodic housekeeping owned by the core app."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from safeguarding.core.models import ScheduledRun
from safeguarding.core.scheduler import daily


@daily("core.prune_scheduler_history")
@task()
def prune_scheduler_history() -> int:
    """Claims older than 90 days serve no purpose; keep the table small."""
    cutoff = timezone.now() - timedelta(days=90)
    deleted, _ = ScheduledRun.objects.filter(claimed_at__lt=cutoff).delete()
    return deleted


@daily("core.prune_finished_tasks")
@task()
def prune_finished_tasks() -> None:
    """Finished task rows can hold addresses and message bodies in their arguments; keep
    them a week for diagnosis, then delete them."""
    from django.core.management import call_command

    call_command("prune_db_task_results", "--min-age-days=7", "--queue-name=*", verbosity=0)


@daily("core.clear_expired_sessions")
@task()
def clear_expired_sessions() -> None:
    from django.core.management import call_command

    call_command("clearsessions", verbosity=0)
