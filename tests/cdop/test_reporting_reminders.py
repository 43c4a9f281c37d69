"""The daily reminders to agencies whose reporting forms have not come back: from
CDOP_REMINDER_BEFORE_DAYS before the due date, every CDOP_REMINDER_EVERY_DAYS, at most
CDOP_REMINDERS_MAX, once a day however often the job runs; each reminder carries a fresh link
and the older link stops working (no stored token is needed)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import reporting
from safeguarding.cdop.models import ChildDeath, FormKind, ReportingForm
from safeguarding.cdop.reporting import LinkGone, reporting_reminders_send
from safeguarding.core.scheduler import registered_jobs
from tests.cdop.reporting_helpers import ask, every_answer, link_for

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ASKED = datetime(2027, 1, 4, 9, tzinfo=LONDON)  # due 1 February with 28 days


@pytest.fixture(autouse=True)
def _settings(settings) -> None:
    settings.CDOP_REPORTING_FORM_DUE_DAYS = 28
    settings.CDOP_REMINDER_BEFORE_DAYS = 3
    settings.CDOP_REMINDER_EVERY_DAYS = 7
    settings.CDOP_REMINDERS_MAX = 3


def on(clock, day: int, month: int = 1) -> None:
    clock.move_to(datetime(2027, month, day, 8, tzinfo=LONDON))


def test_the_reminders_are_a_daily_job() -> None:
    assert "cdop.reporting_form_reminders" in {job.name for job in registered_jobs()}


def test_reminders_follow_the_settings(case_at_asked: ChildDeath, coordinator: User, clock) -> None:
    form = ask(case_at_asked, coordinator)
    assert form.due_on.isoformat() == "2027-02-01"

    sent_on = []
    day = datetime(2027, 1, 5, 8, tzinfo=LONDON)
    while day.month < 4:
        clock.move_to(day)
        if reporting_reminders_send():
            sent_on.append(day.date().isoformat())
        day += timedelta(days=1)

    # 3 days before the due date, then weekly while overdue, three in all.
    assert sent_on == ["2027-01-29", "2027-02-05", "2027-02-12"]
    form.refresh_from_db()
    assert form.reminders_sent == 3
    entries = AuditEntry.objects.filter(action="cdop.reporting_form.reminded")
    assert [entry.details["overdue"] for entry in entries.order_by("pk")] == [False, True, True]


def test_a_second_run_in_a_day_reminds_no_one_twice(
    case_at_asked: ChildDeath, coordinator: User, clock
) -> None:
    ask(case_at_asked, coordinator)
    on(clock, 29)
    assert reporting_reminders_send() == 1
    clock.move_to(datetime(2027, 1, 29, 23, 30, tzinfo=LONDON))
    assert reporting_reminders_send() == 0
    assert ReportingForm.objects.get().reminders_sent == 1


def test_returned_and_withdrawn_forms_are_not_reminded(
    case_at_asked: ChildDeath, coordinator: User, clock
) -> None:
    returned = ask(case_at_asked, coordinator)
    reporting.reporting_form_save(token=link_for(returned), answers=every_answer(), submit=True)
    withdrawn = ask(case_at_asked, coordinator, kind=FormKind.SUDI)
    reporting.reporting_form_withdraw(form=withdrawn, reason="Not needed", actor=coordinator)
    on(clock, 29)

    assert reporting_reminders_send() == 0


@pytest.fixture
def case_at_asked(make_case, clock) -> ChildDeath:
    clock.move_to(ASKED)
    return make_case(nhs_number="")


@pytest.mark.django_db(transaction=True)
def test_a_reminder_email_carries_a_fresh_link_and_the_old_one_stops(
    case_at_asked: ChildDeath, coordinator: User, clock, smtp_server, run_tasks
) -> None:
    ask(case_at_asked, coordinator)
    run_tasks()
    (first,) = smtp_server.to("gp@example.org")
    old = _link_path(first)
    reporting.reporting_form_save(
        token=old.rstrip("/").rsplit("/", 1)[1],
        answers={"other": reporting.Answer(text="Saved before the reminder")},
        submit=False,
    )

    on(clock, 29)
    assert reporting_reminders_send() == 1
    run_tasks()

    first_again, reminder = smtp_server.to("gp@example.org")
    assert first_again is first
    assert reminder["Subject"].startswith("Reminder:")
    body = reminder.get_body(preferencelist=("plain",)).get_content()
    assert "due on 1 February 2027" in body
    assert "replaces the one in our earlier emails" in body
    new = _link_path(reminder)
    assert new != old
    assert Client().get(old).status_code == 410
    page = Client().get(new)
    assert page.status_code == 200
    assert "Saved before the reminder" in page.text  # the draft is kept
    with pytest.raises(LinkGone):
        reporting.form_from_link(old.rstrip("/").rsplit("/", 1)[1])


def _link_path(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://[^/\s]+(/child-death-review/reporting-form/\S+/)", body)
    assert found is not None
    return found.group(1)


@pytest.mark.django_db(transaction=True)
def test_a_supplementary_form_is_named_in_words(
    case_at_asked: ChildDeath, coordinator: User, smtp_server, run_tasks
) -> None:
    ask(case_at_asked, coordinator, kind=FormKind.ROAD_TRAFFIC)
    run_tasks()

    (message,) = smtp_server.to("gp@example.org")
    assert message["Subject"] == (
        f"Child death review {case_at_asked.reference}: please complete a supplementary "
        "reporting form (road traffic collision or trauma)"
    )
