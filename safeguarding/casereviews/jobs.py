"""Scheduled case review work: the daily reminder of clocks due soon and overdue."""

from __future__ import annotations

from django_tasks import task

from safeguarding.casereviews.reminders import clock_reminders_send
from safeguarding.core.scheduler import daily


@daily("casereviews.clock_reminders", not_before_hour=6)
@task()
def clock_reminders() -> int:
    return clock_reminders_send()
