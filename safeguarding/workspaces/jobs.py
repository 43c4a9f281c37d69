"""Daily: seal each past day's read log into the audit chain (``read_log``)."""

from __future__ import annotations

from django_tasks import task

from safeguarding.core.scheduler import daily
from safeguarding.workspaces.read_log import read_log_seal


@daily("workspaces.seal_read_log")
@task()
def seal_read_log_job() -> int:
    """Seal every past day not sealed yet; returns how many days were sealed."""
    return len(read_log_seal())
