"""One way of writing dates and times on every page and in every email (core/dates.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

from django import forms
from django.template import Context, Template

from safeguarding.core import dates
from safeguarding.core.date_input import GovukDateTimeField, parse_time
from tests.clock import at_london

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_dates_and_times_are_written_the_govuk_way() -> None:
    assert dates.day(date(2026, 12, 7)) == "7 December 2026"
    assert dates.weekday(date(2026, 12, 7)) == "Monday 7 December 2026"
    assert dates.clock(time(9, 30)) == "9:30am"
    assert dates.clock(time(14, 0)) == "2pm"
    assert dates.clock(time(12, 0)) == "midday"
    assert dates.clock(time(0, 0)) == "midnight"
    assert dates.moment(at_london(2027, 7, 1, 14, 5)) == "1 July 2027 at 2:05pm"
    assert dates.weekday_moment(at_london(2027, 1, 4, 9, 0)) == "Monday 4 January 2027 at 9am"
    assert dates.day(None) == ""


def test_a_moment_is_shown_on_the_partnerships_clock_in_summer_time() -> None:
    # 23:30 UTC on 30 June is 00:30 on 1 July in London.
    utc_moment = datetime.fromisoformat("2027-06-30T23:30:00+00:00")

    assert dates.moment(utc_moment) == "1 July 2027 at 12:30am"


def test_the_filters_need_no_load_in_any_template() -> None:
    rendered = Template("{{ when|weekday_moment }}; {{ when|day }}; {{ when|clock }}").render(
        Context({"when": at_london(2027, 1, 4, 9, 30)})
    )

    assert rendered == "Monday 4 January 2027 at 9:30am; 4 January 2027; 9:30am"


def test_no_template_writes_a_date_in_a_format_of_its_own() -> None:
    own = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*")
        if path.suffix in (".html", ".txt")
        for match in re.finditer(r'\|date:"[^"]*"', path.read_text())
    ]

    assert not own, f"use |day, |weekday, |clock, |moment or |weekday_moment: {own}"


class _When(forms.Form):
    starts_at = GovukDateTimeField(label="Starts", what="the session's start")


def _boxes(day: str = "", month: str = "", year: str = "", clock: str = "") -> dict[str, str]:
    return {"starts_at_0": day, "starts_at_1": month, "starts_at_2": year, "starts_at_3": clock}


def test_a_date_and_time_is_read_from_its_boxes_on_the_partnerships_clock() -> None:
    form = _When(_boxes("1", "7", "2027", "2:30pm"))

    assert form.is_valid()
    assert form.cleaned_data["starts_at"] == at_london(2027, 7, 1, 14, 30)


def test_each_way_a_date_and_time_can_be_wrong_has_its_own_message() -> None:
    cases = {
        (): "Enter the session's start date and time",
        ("1", "7", "2027"): "Enter the session's start time",
        ("", "", "", "9am"): "Enter the session's start date",
        ("1", "", "2027", "9am"): "The session's start date must include a month",
        ("31", "2", "2027", "9am"): "The session's start date must be a real date",
        ("1", "7", "2027", "25:00"): "Enter the session's start time like 9:30am or 14:30",
        ("28", "3", "2027", "1:30"): "when the clocks change",
    }
    for boxes, message in cases.items():
        form = _When(_boxes(*boxes))
        assert not form.is_valid()
        assert message in form.errors["starts_at"][0], boxes


def test_times_are_read_as_people_type_them() -> None:
    assert parse_time("14:30") == time(14, 30)
    assert parse_time("9.30") == time(9, 30)
    assert parse_time("9:30 am") == time(9, 30)
    assert parse_time("2pm") == time(14, 0)
    assert parse_time("12am") == time(0, 0)
    assert parse_time("midday") == time(12, 0)
    assert parse_time("14") is None
    assert parse_time("13pm") is None
