"""Periodic housekeeping owned by the core app.

Finished task results and expired sessions are disposed of by the retention engine's daily
sweep (``safeguarding.privacy.retention``), under the rules their inventory declarations name.
"""

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
