"""The panel's yearly statistics: the reporting year, what is counted, small-number
suppression, and a property: no suppressed number can be worked out from the published table.

The property reads the table as a reader would, from the CSV: the shown numbers, the markers
("fewer than 5" is 0 to 4, "withheld" is 5 or more) and how the numbers add up (each table's
rows and columns to their totals, the totals shared between tables, every set of totals to
the grand total). For each hidden number it needs a second set of numbers that fits all of
that with the hidden number different; the search that finds one is the report's own, but
the test checks each one it is given, equation by equation, itself.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import annual_report
from safeguarding.cdop.annual_report import (
    FEWER_THAN_5,
    TOTAL,
    WITHHELD,
    Death,
    build,
    known_bounds,
    other_solution,
    report_csv,
)
from safeguarding.cdop.models import AgeBand, Category, Contribution, Domain
from safeguarding.cdop.services import AnalysisInput, DomainFinding
from tests.cdop.access_cdop_reports import reviewed_case
from tests.conftest import sign_in
from tests.factories import UserFactory

# --- The reporting year ---------------------------------------------------------------------


@override_settings(CDOP_REPORT_YEAR_START_MONTH=4)
def test_the_year_runs_from_april_by_default() -> None:
    assert annual_report.reporting_year(date(2026, 3, 31)) == 2025
    assert annual_report.reporting_year(date(2026, 4, 1)) == 2026
    assert annual_report.year_bounds(2026) == (date(2026, 4, 1), date(2027, 4, 1))
    assert annual_report.year_title(2026) == "1 April 2026 to 31 March 2027"


@override_settings(CDOP_REPORT_YEAR_START_MONTH=1)
def test_the_year_can_start_in_january() -> None:
    assert annual_report.reporting_year(date(2026, 1, 1)) == 2026
    assert annual_report.year_title(2026) == "1 January 2026 to 31 December 2026"


# --- Suppression, on invented counts --------------------------------------------------------


def deaths(*given: tuple[str, bool, bool, str, int]) -> list[tuple[Death, int]]:
    return [(Death(c, u, m, a), n) for c, u, m, a, n in given]


def published(report: annual_report.AnnualReport) -> dict[tuple[str, str, str], str]:
    lines = list(csv.reader(io.StringIO(report_csv(report))))
    assert lines[0] == list(annual_report.CSV_HEADINGS)
    return {(table, row, column): value for _, table, row, column, value in lines[1:]}


def test_counts_of_1_to_4_show_as_fewer_than_5() -> None:
    report = build(
        2026,
        deaths(("5", False, False, "0-27d", 3), ("8", False, False, "0-27d", 20)),
    )
    shown = published(report)
    by_category = "Deaths reviewed by category of death"
    acute = Category("5").label

    assert shown[(by_category, acute, "Expected")] == FEWER_THAN_5
    assert shown[(by_category, acute, TOTAL)] == FEWER_THAN_5
    # Alone in its column, the 3 could be worked out from the total: so more is hidden.
    expected_column = [v for (t, _, c), v in shown.items() if t == by_category and c == "Expected"]
    assert sum(1 for value in expected_column if not value.isdigit()) >= 2
    assert "3" not in shown.values()


def test_nothing_is_hidden_when_no_count_is_small() -> None:
    report = build(2026, deaths(("9", True, True, "1-4", 6), ("9", False, False, "1-4", 7)))

    assert not report.any_hidden
    assert report.reviewed.text == "13"


def test_an_empty_year_shows_zeros() -> None:
    report = build(2026, [])

    assert report.reviewed.text == "0"
    assert not report.any_hidden


# --- The property: no hidden number can be worked out ----------------------------------------


def name(table: str, row: str, column: str) -> Any:
    """A number as a reader names it: a total row or column is the same number wherever it
    appears (the total of a category, an age band, a column), and so is the grand total."""
    if row == TOTAL and column == TOTAL:
        return ("all",)
    if column == TOTAL:
        return ("row", row)
    if row == TOTAL:
        return ("column", column)
    return ("cell", table, row, column)


def reader_equations(
    shown: dict[tuple[str, str, str], str],
) -> tuple[list[tuple[tuple[Any, ...], Any]], dict[Any, str]]:
    """The equations a reader sees, built from the CSV alone."""
    values: dict[Any, str] = {}
    grid: dict[str, dict[str, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for (table, row, column), value in shown.items():
        values[name(table, row, column)] = value
        grid[table][row][column] = name(table, row, column)
    rules: set[tuple[tuple[Any, ...], Any]] = set()
    for rows in grid.values():
        columns = [c for c in next(iter(rows.values())) if c != TOTAL]
        inner_rows = [r for r in rows if r != TOTAL]
        for row in rows:
            rules.add((tuple(rows[row][c] for c in columns), rows[row][TOTAL]))
        for column in [*columns, TOTAL]:
            rules.add((tuple(rows[r][column] for r in inner_rows), rows[TOTAL][column]))
    return sorted(rules, key=repr), values


def bounds_from(values: dict[Any, str], cap: int) -> dict[Any, tuple[int, int]]:
    bounds = {}
    for number, value in values.items():
        if value == FEWER_THAN_5:
            bounds[number] = (0, 4)
        elif value == WITHHELD:
            bounds[number] = (5, cap)
        else:
            bounds[number] = (int(value), int(value))
    return bounds


def check_other_solution(
    found: dict[Any, int],
    rules: list[tuple[tuple[Any, ...], Any]],
    bounds: dict[Any, tuple[int, int]],
) -> None:
    for parts, total in rules:
        assert sum(found[p] for p in parts) == found[total]
    for name, (low, high) in bounds.items():
        assert low <= found[name] <= high


one_death = st.tuples(
    st.sampled_from(Category.values),
    st.booleans(),
    st.booleans(),
    st.sampled_from(AgeBand.values),
    st.integers(min_value=1, max_value=9),
)


@pytest.mark.property
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(one_death, max_size=14))
def test_no_hidden_number_can_be_worked_out_from_the_published_tables(
    given_deaths: list[tuple[str, bool, bool, str, int]],
) -> None:
    counted = deaths(*given_deaths)
    report = build(2026, counted)
    shown = published(report)
    rules, values = reader_equations(shown)
    truth_of = annual_report.counts_of(counted)
    # The true numbers, named as the reader names them.
    truth: dict[Any, int] = {}
    for table in report.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                truth[name(table.title, row.label, column)] = cell.value
    assert truth[("all",)] == truth_of[annual_report.GRAND]
    cap = 2 * max(truth.values()) + 5
    bounds = bounds_from(values, cap)

    # Every small count is hidden, and the truth fits what is published.
    for number, value in truth.items():
        if 1 <= value <= 4:
            assert values[number] == FEWER_THAN_5
    check_other_solution(truth, rules, bounds)

    proven: set[Any] = set()
    for hidden in sorted((n for n, v in values.items() if not v.isdigit()), key=repr):
        if hidden in proven:
            continue
        found = other_solution(hidden, bounds, rules, truth, limit=200_000)
        assert found is not None, f"{hidden} can be worked out"
        check_other_solution(found, rules, bounds)
        assert found[hidden] != truth[hidden]
        proven.update(n for n in found if found[n] != truth[n])


def test_the_reports_own_bounds_say_what_the_markers_say() -> None:
    values = {"a": 3, "b": 7, "c": 0, "t": 10}
    marks = {"a": annual_report.Mark.PRIMARY, "b": annual_report.Mark.SECONDARY}

    assert known_bounds(values, marks, cap=20) == {
        "a": (0, 4),
        "b": (5, 20),
        "c": (0, 0),
        "t": (10, 10),
    }


# --- From the database, and the pages --------------------------------------------------------

NO_MODIFIABLE = AnalysisInput(
    category="6",
    summary="Invented",
    domains={domain: DomainFinding(Contribution.NONE) for domain in Domain.values},
)


@pytest.mark.django_db
@override_settings(CDOP_REPORT_YEAR_START_MONTH=4)
def test_the_deaths_reviewed_in_the_year_are_counted(clock: Any) -> None:
    clock.move_to(datetime(2026, 6, 1, 10, tzinfo=UTC))
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    for _ in range(6):
        reviewed_case(coordinator)  # category 9, modifiable factors, unexpected
    reviewed_case(coordinator, analysis=NO_MODIFIABLE, unexpected=False)
    clock.move_to(datetime(2027, 4, 2, 10, tzinfo=UTC))
    reviewed_case(coordinator)  # the next reporting year

    report = annual_report.annual_report(2026)

    assert report.reviewed.value == 7
    counted = dict(annual_report.reviewed_deaths(2026))
    assert counted[Death("9", True, True, "1-4")] == 6
    assert counted[Death("6", False, False, "1-4")] == 1
    assert annual_report.annual_report(2027).reviewed.value == 1


@pytest.mark.django_db
def test_the_coordinator_sees_the_page_and_downloads_audited(client: Client) -> None:
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    reviewed_case(coordinator)
    sign_in(client, coordinator)

    page = client.get(reverse("cdop:staff_annual_report"))
    spreadsheet = client.get(reverse("cdop:staff_annual_report_csv"))
    document = client.get(reverse("cdop:staff_annual_report_pdf"))

    assert page.status_code == spreadsheet.status_code == document.status_code == 200
    assert FEWER_THAN_5 in page.content.decode()
    assert "Invented Child" not in page.content.decode()
    for response in (page, spreadsheet, document):
        assert response["Cache-Control"] == "no-store"
    assert spreadsheet["Content-Disposition"].startswith("attachment;")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.content)).pages)
    assert FEWER_THAN_5 in text
    formats = sorted(
        e.details["format"] for e in AuditEntry.objects.filter(action="cdop.report.made")
    )
    assert formats == ["csv", "page", "pdf"]


@pytest.mark.django_db
def test_a_year_not_offered_is_not_found(client: Client) -> None:
    sign_in(client, UserFactory(roles=[str(Role.CDOP_COORDINATOR)]))
    latest = annual_report.reporting_year(timezone.localdate())

    assert client.get(reverse("cdop:staff_annual_report"), {"year": latest + 1}).status_code == 404
    assert client.get(reverse("cdop:staff_annual_report"), {"year": latest - 9}).status_code == 404
    assert client.get(reverse("cdop:staff_annual_report"), {"year": latest - 1}).status_code == 200
