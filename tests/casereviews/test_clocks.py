"""Each clock of a case: its due date in England's working days, and the working days left,
across bank holidays and year ends. "Today" is always set by the clock fixture."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from safeguarding.casereviews import clocks, services
from safeguarding.casereviews.clocks import Clock, case_clocks
from safeguarding.casereviews.models import PracticeReviewKind, RapidReviewDecision
from tests.casereviews.conftest import notify

LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("aware_on", "due"),
    [
        (date(2026, 6, 1), date(2026, 6, 8)),  # Monday: the next Monday
        (date(2026, 6, 5), date(2026, 6, 12)),  # Friday: the next Friday
        (date(2026, 4, 2), date(2026, 4, 13)),  # Good Friday and Easter Monday are off
        (date(2026, 12, 22), date(2026, 12, 31)),  # Christmas and Boxing Day (observed)
        (date(2026, 12, 23), date(2027, 1, 4)),  # ... and New Year's Day: into 2027
        (date(2027, 12, 23), date(2028, 1, 4)),  # 27, 28 Dec 2027 and 3 Jan 2028 are off
    ],
)
def test_a_notification_is_due_5_working_days_after_awareness(aware_on: date, due: date) -> None:
    assert clocks.notification_due(aware_on) == due


@pytest.mark.parametrize(
    ("notified_on", "due"),
    [
        (date(2026, 6, 8), date(2026, 6, 29)),
        (date(2026, 12, 14), date(2027, 1, 7)),  # over Christmas and the new year
        (date(2026, 3, 30), date(2026, 4, 22)),  # over Easter
        (date(2026, 5, 22), date(2026, 6, 15)),  # over the spring bank holiday
    ],
)
def test_a_rapid_review_is_due_15_working_days_from_the_notification(
    notified_on: date, due: date
) -> None:
    assert clocks.rapid_review_due(notified_on) == due


@pytest.mark.parametrize(
    ("decided_on", "due"),
    [
        (date(2026, 8, 31), date(2027, 2, 28)),  # no 31 February: the month's last day
        (date(2027, 8, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 7, 15), date(2027, 1, 15)),  # over the year end
    ],
)
def test_a_final_report_is_due_6_months_from_the_decision(decided_on: date, due: date) -> None:
    assert clocks.final_report_due(decided_on) == due


@pytest.mark.parametrize(
    ("publication", "send_by"),
    [
        (date(2026, 6, 17), date(2026, 6, 8)),  # Wednesday: 7 working days before
        (date(2027, 1, 6), date(2026, 12, 23)),  # over the year end and its bank holidays
        (date(2026, 4, 15), date(2026, 4, 2)),  # over Easter
    ],
)
def test_the_report_goes_to_the_panel_7_working_days_before_publication(
    publication: date, send_by: date
) -> None:
    assert clocks.send_before_publication(publication) == send_by


def test_working_days_left_counts_down_to_zero_then_goes_negative() -> None:
    clock = Clock("Notify the national panel", due_on=date(2027, 1, 4))
    assert clock.working_days_left(date(2026, 12, 23)) == 5
    assert clock.working_days_left(date(2026, 12, 31)) == 1
    assert clock.working_days_left(date(2027, 1, 1)) == 1  # a bank holiday: still one to go
    assert clock.working_days_left(date(2027, 1, 4)) == 0
    assert not clock.is_overdue(date(2027, 1, 4))
    assert clock.working_days_left(date(2027, 1, 6)) == -2
    assert clock.is_overdue(date(2027, 1, 6))


def test_due_soon_means_within_two_working_days_and_not_yet_late() -> None:
    clock = Clock("Rapid review", due_on=date(2026, 12, 29))
    assert not clock.is_due_soon(date(2026, 12, 22))  # three working days
    assert clock.is_due_soon(date(2026, 12, 23))  # 24th and 29th: two
    assert clock.is_due_soon(date(2026, 12, 29))
    assert not clock.is_due_soon(date(2026, 12, 30))  # overdue instead
    assert not Clock("Done", date(2026, 12, 29), done_on=date(2026, 12, 28)).is_due_soon(
        date(2026, 12, 28)
    )


@pytest.mark.django_db
def test_a_case_shows_every_clock_soonest_first(case, officer, clock) -> None:
    clock.move_to(at(date(2027, 3, 1)))
    notify(
        case,
        officer,
        aware_on=date(2026, 12, 23),
        notified_on=date(2026, 12, 30),
        looked_after=True,
        ofsted_notified_on=date(2026, 12, 30),
    )
    services.rapid_review_start(case=case, started_on=date(2026, 12, 31), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision=RapidReviewDecision.LOCAL_REVIEW,
        reasons="Invented reasons",
        decided_on=date(2027, 1, 20),
        actor=officer,
    )
    services.practice_review_start(
        case=case, kind=PracticeReviewKind.LCSPR, decided_on=date(2027, 2, 1), actor=officer
    )
    case.refresh_from_db()

    shown = [(c.name, c.due_on, c.done_on) for c in case_clocks(case)]

    assert shown == [
        ("Notify Ofsted (looked-after child)", date(2027, 1, 4), date(2026, 12, 30)),
        ("Notify the Secretary of State (looked-after child)", date(2027, 1, 4), None),
        ("Notify the national panel", date(2027, 1, 4), date(2026, 12, 30)),
        ("Rapid review to the national panel", date(2027, 1, 21), None),
        ("Final report", date(2027, 8, 1), None),
    ]
    overdue = clocks.overdue(case_clocks(case), date(2027, 3, 1))
    assert [c.name for c in overdue] == [
        "Notify the Secretary of State (looked-after child)",
        "Rapid review to the national panel",
    ]


def test_a_clock_says_where_it_stands_in_words() -> None:
    due = Clock("Final report", due_on=date(2027, 1, 8))  # a Friday
    assert due.in_words(date(2027, 1, 6)) == "2 working days left"
    assert due.in_words(date(2027, 1, 7)) == "1 working day left"
    assert due.in_words(date(2027, 1, 8)) == "Due today"
    assert due.in_words(date(2027, 1, 9)) == "Overdue"  # the Saturday after
    assert due.in_words(date(2027, 1, 12)) == "Overdue by 2 working days"
    done = Clock("Final report", due_on=date(2027, 1, 8), done_on=date(2027, 1, 11))
    assert done.in_words(date(2027, 2, 1)) == "Done on 11 January 2027 (late)"
