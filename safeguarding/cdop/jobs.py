"""Scheduled child death review work: the daily reminders to agencies whose reporting forms
have not come back (``reporting.reporting_reminders_send``: who is reminded when, and why a
reminder carries a fresh link)."""

from __future__ import annotations

from django_tasks import task

from safeguarding.cdop.reporting import reporting_reminders_send
from safeguarding.core.scheduler import daily


@daily("cdop.reporting_form_reminders", not_before_hour=7)
@task()
def reporting_form_reminders() -> int:
    return reporting_reminders_send()
