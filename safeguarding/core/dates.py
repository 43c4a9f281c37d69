"""One way of writing dates and times, on every page and in every email, in the GOV.UK
style: "7 December 2026", "Monday 7 December 2026", "9:30am", "2pm", "midday", and together
"7 December 2026 at 2:30pm". Aware moments are shown on the partnership's clock.

Templates use the filters of the same names (``|day``, ``|weekday``, ``|clock``, ``|moment``
and ``|weekday_moment``), available everywhere without ``{% load %}``.
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def _local(value: date | datetime | time) -> date | datetime | time:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value: date | datetime | None) -> str:
    """7 December 2026"""
    local = _local(value) if value else None
    return f"{local.day} {local:%B %Y}" if isinstance(local, date) else ""


def weekday(value: date | datetime | None) -> str:
    """Monday 7 December 2026"""
    local = _local(value) if value else None
    return f"{local:%A} {day(local)}" if isinstance(local, date) else ""


def clock(value: datetime | time | None) -> str:
    """9:30am, 2pm, midday, midnight"""
    if value is None or value == "":
        return ""
    local = _local(value)
    assert isinstance(local, datetime | time)  # noqa: S101 - a time or datetime was given
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def moment(value: datetime | None) -> str:
    """7 December 2026 at 2:30pm"""
    if value is None or value == "":
        return ""
    return f"{day(value)} at {clock(value)}"


def weekday_moment(value: datetime | None) -> str:
    """Monday 7 December 2026 at 2:30pm"""
    if value is None or value == "":
        return ""
    return f"{weekday(value)} at {clock(value)}"
