"""Form data for the GOV.UK date input (safeguarding.core.date_input): a date as its Day,
Month and Year boxes, and a moment with its Time box too, as a browser posts them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone


def date_boxes(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def moment_boxes(name: str, moment: datetime | str) -> dict[str, str]:
    """A moment in the boxes, as the partnership's clock shows it; or a wall-clock time
    written "2027-03-28 01:30" (which may not exist, or happen twice, on that clock)."""
    if isinstance(moment, str):
        day, clock = moment.split()
        return {**date_boxes(name, date.fromisoformat(day)), f"{name}_3": clock}
    local = timezone.localtime(moment)
    return {**date_boxes(name, local.date()), f"{name}_3": local.strftime("%H:%M")}


def as_date_boxes(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """``data`` with each of ``names`` given as a date, or as typed ("31/02/2027"), spread
    over its Day, Month and Year boxes."""
    boxed = dict(data)
    for name in names:
        if name not in boxed:
            continue
        value = boxed.pop(name)
        if isinstance(value, date):
            boxed.update(date_boxes(name, value))
            continue
        parts = [*str(value).split("/"), "", ""][:3] if value else ["", "", ""]
        boxed.update({f"{name}_{n}": part for n, part in enumerate(parts)})
    return boxed
