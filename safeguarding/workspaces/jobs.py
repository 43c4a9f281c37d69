"""Daily: seal each past day's read log into the audit chain (``read_log``); ask the leads to
confirm who still needs access, and let access no one confirmed lapse (``recertification``)."""

from __future__ import annotations

from django_tasks import task

from safeguarding.core.scheduler import daily
from safeguarding.workspaces.read_log import read_log_seal
from safeguarding.workspaces.recertification import (
    memberships_lapse_unconfirmed,
    recertification_reminders_send,
)


@daily("workspaces.seal_read_log")
@task()
def seal_read_log_job() -> int:
    """Seal every past day not sealed yet; returns how many days were sealed."""
    return len(read_log_seal())


@daily("workspaces.lapse_unconfirmed")
@task()
def lapse_unconfirmed_job() -> int:
    """End access no lead confirmed in time; returns how many memberships lapsed."""
    return memberships_lapse_unconfirmed()


@daily("workspaces.recertification_reminders")
@task()
def recertification_reminders_job() -> int:
    """Email the leads whose members' access needs confirming; returns the emails queued."""
    return recertification_reminders_send()
