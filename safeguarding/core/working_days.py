"""Calendar arithmetic the partnership's deadlines are counted in: England and Wales working
days (weekends and bank holidays, from the ``holidays`` package) and calendar months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, or that month's last day if it has none."""
    if months < 0:
        raise ValueError("months must not be negative")
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays (including substitute days) in one year."""
    import holidays  # here, not at the top: ~10 MB every process would hold, used by few

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_before(day: date, count: int) -> date:
    """The working day ``count`` working days before ``day`` (England bank holidays off)."""
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def add_working_days(day: date, count: int) -> date:
    """The working day ``count`` working days after ``day`` (``day`` itself is day 0, so a
    duty "within 5 working days" of a Friday falls due on the next Friday)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """How many working days from ``start`` to ``end``: those after ``start`` up to and
    including ``end``; negative (the working days overdue) when ``end`` is before ``start``."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
