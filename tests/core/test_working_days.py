"""Working days in England and Wales, and calendar months, as deadlines are counted."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.core.working_days import (
    add_months,
    add_working_days,
    is_bank_holiday,
    is_working_day,
    next_working_day,
    working_days_between,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),  # non-leap year: the month's last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
        (date(2026, 4, 30), 1, date(2026, 5, 30)),  # the same day next month
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # across the year end
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # counted from the start, not chained
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
        (date(2026, 1, 31), 13, date(2027, 2, 28)),
    ],
)
def test_add_months_is_the_same_day_or_the_months_last_day(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_add_months_refuses_negative_months() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_months(date(2026, 1, 1), -1)


def test_weekends_and_england_bank_holidays_are_not_working_days() -> None:
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 25))  # Christmas Day, Friday
    assert not is_working_day(date(2026, 12, 26))  # Saturday
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day substitute, Monday
    assert is_bank_holiday(date(2026, 8, 31))  # Summer bank holiday (England, not Scotland)
    assert not is_bank_holiday(date(2026, 8, 3))  # Scotland's summer bank holiday
    assert not is_bank_holiday(date(2026, 3, 17))  # St Patrick's Day (Northern Ireland only)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 6, 10), date(2026, 6, 10)),  # a Wednesday stays
        (date(2026, 6, 13), date(2026, 6, 15)),  # Saturday -> Monday
        (date(2026, 6, 14), date(2026, 6, 15)),  # Sunday -> Monday
        (date(2026, 12, 25), date(2026, 12, 29)),  # Christmas Fri, weekend, Boxing Day Mon
        (date(2026, 4, 3), date(2026, 4, 7)),  # Good Friday, weekend, Easter Monday
        (date(2027, 1, 1), date(2027, 1, 4)),  # New Year's Day Friday
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert next_working_day(day) == expected


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 6, 1), 5, date(2026, 6, 8)),  # Monday to Monday
        (date(2026, 6, 6), 5, date(2026, 6, 12)),  # from a Saturday: Monday is day 1
        (date(2026, 4, 2), 5, date(2026, 4, 13)),  # over Good Friday and Easter Monday
        (date(2026, 12, 22), 5, date(2026, 12, 31)),  # Christmas and Boxing Day (observed)
        (date(2026, 12, 23), 5, date(2027, 1, 4)),  # ... and New Year's Day, into 2027
        (date(2026, 12, 14), 15, date(2027, 1, 7)),
        (date(2027, 12, 23), 2, date(2027, 12, 29)),  # both substitute days in 2027
        (date(2026, 6, 1), 0, date(2026, 6, 1)),
    ],
)
def test_add_working_days_counts_from_the_day_after(
    start: date, count: int, expected: date
) -> None:
    assert add_working_days(start, count) == expected


def test_add_working_days_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 6, 1), -1)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 6, 1), date(2026, 6, 1), 0),
        (date(2026, 6, 1), date(2026, 6, 3), 2),
        (date(2026, 6, 5), date(2026, 6, 8), 1),  # Friday to Monday
        (date(2026, 12, 23), date(2027, 1, 4), 5),  # over the year end
        (date(2026, 6, 8), date(2026, 6, 5), -1),  # overdue by one working day
        (date(2027, 1, 4), date(2026, 12, 23), -5),
    ],
)
def test_working_days_between_is_negative_when_overdue(
    start: date, end: date, expected: int
) -> None:
    assert working_days_between(start, end) == expected
