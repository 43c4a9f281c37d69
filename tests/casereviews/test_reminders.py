"""The daily email to a case's leads about clocks due within 2 working days and overdue."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from safeguarding.casereviews.models import ClockReminder
from safeguarding.casereviews.reminders import clock_reminders_send
from safeguarding.core.scheduler import registered_jobs
from tests.casereviews.conftest import notify

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_the_reminder_is_a_daily_job() -> None:
    assert "casereviews.clock_reminders" in {job.name for job in registered_jobs()}


@pytest.mark.django_db(transaction=True)
def test_the_lead_is_emailed_about_clocks_due_soon_and_overdue_once_a_day(
    make_case, officer, member, clock, run_tasks
) -> None:
    clock.move_to(datetime(2026, 12, 23, 7, tzinfo=LONDON))
    soon, late, quiet = make_case(), make_case(), make_case()
    notify(soon, officer, aware_on=date(2026, 12, 18))  # due 29 December: 2 working days
    notify(late, officer, aware_on=date(2026, 12, 10))  # due 17 December
    notify(quiet, officer, aware_on=date(2026, 12, 22))  # due 31 December: 4 working days

    assert clock_reminders_send() == 2
    assert clock_reminders_send() == 0  # twice in a day sends nothing more
    run_tasks()

    assert ClockReminder.objects.count() == 2
    assert len(mail.outbox) == 2
    assert {message.to[0] for message in mail.outbox} == {officer.email}
    texts = {message.subject: message.body for message in mail.outbox}
    assert (
        texts[f"Case {soon.reference}: 1 due soon"].count("29 December 2026 (2 working days left)")
        == 1
    )
    late_text = texts[f"Case {late.reference}: 1 overdue"]
    assert "Overdue by 4 working days" in late_text
    assert member.email not in late_text


def test_a_done_clock_is_not_reminded(case, officer, clock) -> None:
    clock.move_to(datetime(2026, 12, 23, 7, tzinfo=LONDON))
    notify(case, officer, aware_on=date(2026, 12, 10), notified_on=date(2026, 12, 16))
    assert clock_reminders_send() == 0
