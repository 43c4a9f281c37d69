"""Periodic housekeeping for staff accounts."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from safeguarding.core.scheduler import daily


@daily("accounts.prune_login_attempts")
@task()
def prune_login_attempts() -> int:
    """Failed-login counters hold the address typed; keep them only while they can lock."""
    from axes.models import AccessAttempt

    cutoff = timezone.now() - settings.AXES_COOLOFF_TIME
    deleted, _ = AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()
    return deleted
