"""The daily retention sweep. Thin: the service does the work and is safe to run twice."""

from __future__ import annotations

from django_tasks import task

from safeguarding.core.scheduler import daily
from safeguarding.privacy.retention import engine as retention


@daily("privacy.retention_sweep")
@task()
def retention_sweep() -> int:
    """Dispose of every record past its retention period; returns how many receipts."""
    return len(retention.retention_sweep())
