"""The panel's yearly statistics, for its annual report: the deaths it reviewed in a reporting
year (from ``CDOP_REPORT_YEAR_START_MONTH``), by category of death, expected or unexpected,
with or without modifiable factors, and by age band. Four tables, each with row, column and
grand totals; the tables share their totals (the category totals of two tables are the same
numbers, and so on).

Counts only, across every reviewed death: no case is read and nothing names a child, so the
report is for the CDOP coordinator's role, not limited to the cases they are a member of.

**Small numbers.** Any count from 1 to 4 (a cell or a total) is shown as "fewer than 5"
(primary suppression). Then enough other counts are withheld (secondary suppression) that no
suppressed count can be worked out from what is shown: in every row, column and set of totals
no suppressed count is left alone, and a search then plays the part of someone trying to
recover each suppressed count from the published numbers, the totals and what the markers
say: while any suppressed count has only one possible value, another count is hidden (cells
before totals, the smallest first). A zero hidden this way is shown as "fewer than 5" (true,
and it stops a reader counting how many small counts there are), so "fewer than 5" means 0
to 4; a larger count is shown as "withheld", which means 5 or more.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import count

from django.conf import settings
from django.db.models import Count

from safeguarding.cdop.models import AgeBand, Analysis, Category, Stage
from safeguarding.core import dates
from safeguarding.core import pdf as pdf_helpers
from safeguarding.core.spreadsheets import SafeWriter

FEWER_THAN_5 = "fewer than 5"
WITHHELD = "withheld"
SMALLEST_SHOWN = 5
TOTAL = "Total"
# How many reporting years the pages offer, the latest first.
YEARS_OFFERED = 5
# How hard the search tries before treating a count as recoverable (and withholding more).
SEARCH_LIMIT = 20_000


class Mark(StrEnum):
    SHOWN = "shown"
    PRIMARY = "primary"  # 1 to 4
    SECONDARY = "secondary"  # withheld so that a small count cannot be worked out


# --- The reporting year ---------------------------------------------------------------------


def year_start_month() -> int:
    return int(settings.CDOP_REPORT_YEAR_START_MONTH)


def reporting_year(today: date) -> int:
    """The calendar year the reporting year containing ``today`` starts in."""
    return today.year if today.month >= year_start_month() else today.year - 1


def year_bounds(year: int) -> tuple[date, date]:
    """The first day of the reporting year, and the first day after it."""
    month = year_start_month()
    return date(year, month, 1), date(year + 1, month, 1)


def year_title(year: int) -> str:
    start, after = year_bounds(year)
    last = date.fromordinal(after.toordinal() - 1)
    return f"{dates.day(start)} to {dates.day(last)}"


def years_offered(today: date) -> list[int]:
    latest = reporting_year(today)
    return [latest - n for n in range(YEARS_OFFERED)]


# --- The tables and how their numbers are linked --------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    rows: tuple[tuple[str, str], ...]  # (code, label)


CATEGORY = Dimension("category", tuple(zip(Category.values, Category.labels, strict=True)))
AGE = Dimension("age_band", tuple(zip(AgeBand.values, AgeBand.labels, strict=True)))
EXPECTED = Dimension("unexpected", (("no", "Expected"), ("yes", "Unexpected")))
MODIFIABLE = Dimension(
    "modifiable", (("yes", "With modifiable factors"), ("no", "Without modifiable factors"))
)


@dataclass(frozen=True)
class TableShape:
    key: str
    title: str
    rows: Dimension
    columns: Dimension


TABLES: tuple[TableShape, ...] = (
    TableShape("category_expected", "Deaths reviewed by category of death", CATEGORY, EXPECTED),
    TableShape(
        "category_modifiable",
        "Deaths reviewed by category of death, with and without modifiable factors",
        CATEGORY,
        MODIFIABLE,
    ),
    TableShape("age_expected", "Deaths reviewed by age band", AGE, EXPECTED),
    TableShape(
        "age_modifiable",
        "Deaths reviewed by age band, with and without modifiable factors",
        AGE,
        MODIFIABLE,
    ),
)
GRAND = "all"


def inner(table: TableShape, row: str, column: str) -> str:
    return f"{table.key}:{row}:{column}"


def margin(dimension: Dimension, code: str) -> str:
    """A total shared by every table with this dimension."""
    return f"{dimension.key}={code}"


# An equation: the parts add up to the total.
Equation = tuple[tuple[str, ...], str]


def equations() -> list[Equation]:
    found: list[Equation] = []
    for table in TABLES:
        for row, _ in table.rows.rows:
            parts = tuple(inner(table, row, column) for column, _ in table.columns.rows)
            found.append((parts, margin(table.rows, row)))
        for column, _ in table.columns.rows:
            parts = tuple(inner(table, row, column) for row, _ in table.rows.rows)
            found.append((parts, margin(table.columns, column)))
    for dimension in (CATEGORY, AGE, EXPECTED, MODIFIABLE):
        found.append((tuple(margin(dimension, code) for code, _ in dimension.rows), GRAND))
    return found


@dataclass(frozen=True)
class Death:
    """One reviewed death, as the report counts it."""

    category: str
    unexpected: bool
    modifiable: bool
    age_band: str


def counts_of(deaths: Iterable[tuple[Death, int]]) -> dict[str, int]:
    """Every number the report publishes (cells and totals), keyed as in ``equations``."""
    values: dict[str, int] = {GRAND: 0}
    for table in TABLES:
        for row, _ in table.rows.rows:
            values[margin(table.rows, row)] = 0
            for column, _ in table.columns.rows:
                values[inner(table, row, column)] = 0
        for column, _ in table.columns.rows:
            values[margin(table.columns, column)] = 0
    for death, number in deaths:
        codes = {
            CATEGORY.key: death.category,
            AGE.key: death.age_band,
            EXPECTED.key: "yes" if death.unexpected else "no",
            MODIFIABLE.key: "yes" if death.modifiable else "no",
        }
        values[GRAND] += number
        for dimension in (CATEGORY, AGE, EXPECTED, MODIFIABLE):
            values[margin(dimension, codes[dimension.key])] += number
        for table in TABLES:
            key = inner(table, codes[table.rows.key], codes[table.columns.key])
            values[key] += number
    return values


# --- Recovering a suppressed count: the attacker's search -----------------------------------

Bounds = dict[str, tuple[int, int]]


class SearchTooLong(Exception):
    pass


def _tighten(bounds: Bounds, rules: list[Equation]) -> Bounds | None:
    """Narrow every range by the equations until nothing changes; None if they conflict."""
    bounds = dict(bounds)
    changed = True
    while changed:
        changed = False
        for parts, total in rules:
            low = sum(bounds[p][0] for p in parts)
            high = sum(bounds[p][1] for p in parts)
            t_low, t_high = max(bounds[total][0], low), min(bounds[total][1], high)
            if t_low > t_high:
                return None
            if (t_low, t_high) != bounds[total]:
                bounds[total] = (t_low, t_high)
                changed = True
            for part in parts:
                p_low, p_high = bounds[part]
                new = (max(p_low, t_low - (high - p_high)), min(p_high, t_high - (low - p_low)))
                if new[0] > new[1]:
                    return None
                if new != bounds[part]:
                    bounds[part] = new
                    changed = True
                    low += new[0] - p_low
                    high += new[1] - p_high
    return bounds


def _nearest_first(low: int, high: int, near: int) -> Iterator[int]:
    near = min(max(near, low), high)
    for step in count():
        if near - step < low and near + step > high:
            return
        for value in (near - step, near + step) if step else (near,):
            if low <= value <= high:
                yield value


def _solve(
    bounds: Bounds, rules: list[Equation], near: Mapping[str, int], budget: list[int]
) -> dict[str, int] | None:
    budget[0] -= 1
    if budget[0] < 0:
        raise SearchTooLong
    tight = _tighten(bounds, rules)
    if tight is None:
        return None
    open_ = [name for name, (low, high) in tight.items() if low < high]
    if not open_:
        return {name: low for name, (low, _) in tight.items()}
    name = min(open_, key=lambda n: (tight[n][1] - tight[n][0], n))
    low, high = tight[name]
    for value in _nearest_first(low, high, near[name]):
        found = _solve({**tight, name: (value, value)}, rules, near, budget)
        if found is not None:
            return found
    return None


def known_bounds(values: Mapping[str, int], marks: Mapping[str, Mark], cap: int) -> Bounds:
    """What a reader of the published tables knows about each number: a shown number is
    itself, "fewer than 5" is 0 to 4, "withheld" is 5 to ``cap``."""
    bounds: Bounds = {}
    for name, value in values.items():
        mark = marks.get(name, Mark.SHOWN)
        if mark == Mark.PRIMARY:
            bounds[name] = (0, SMALLEST_SHOWN - 1)
        elif mark == Mark.SECONDARY:
            bounds[name] = (SMALLEST_SHOWN, cap)
        else:
            bounds[name] = (value, value)
    return bounds


def other_solution(
    name: str,
    bounds: Bounds,
    rules: list[Equation],
    truth: Mapping[str, int],
    *,
    limit: int = SEARCH_LIMIT,
) -> dict[str, int] | None:
    """Numbers consistent with everything published in which ``name`` differs from its true
    value: proof that it cannot be worked out. None if there are none (or the search gave up
    after ``limit`` steps)."""
    budget = [limit]
    low, high = bounds[name]
    try:
        for value in _nearest_first(low, high, truth[name]):
            if value == truth[name]:
                continue
            found = _solve({**bounds, name: (value, value)}, rules, truth, budget)
            if found is not None:
                return found
    except SearchTooLong:
        return None
    return None


# --- Suppression ----------------------------------------------------------------------------


def _is_total(name: str) -> bool:
    return ":" not in name


def suppress(values: Mapping[str, int], rules: list[Equation]) -> dict[str, Mark]:
    """Which numbers to hide, and how (see the module's docstring)."""
    marks = {name: Mark.PRIMARY for name, value in values.items() if 0 < value < SMALLEST_SHOWN}
    if not marks:
        return marks
    cap = 2 * max(values.values()) + SMALLEST_SHOWN

    def hide_one_of(names: Iterable[str]) -> bool:
        candidates = [n for n in names if n not in marks]
        if not candidates:
            return False
        chosen = min(candidates, key=lambda n: (_is_total(n), values[n], n))
        marks[chosen] = Mark.PRIMARY if values[chosen] == 0 else Mark.SECONDARY
        return True

    # Hiding more only widens what a reader knows, so a number once shown to have another
    # possible value keeps it; and one other solution proves every number it changes.
    proven: set[str] = set()

    def first_exposed() -> str | None:
        bounds = known_bounds(values, marks, cap)
        for name in sorted(marks):
            if name in proven:
                continue
            found = other_solution(name, bounds, rules, values)
            if found is None:
                return name
            proven.update(n for n, value in found.items() if value != values[n])
        return None

    while True:
        changed = True
        while changed:
            changed = False
            for parts, total in rules:
                members = (*parts, total)
                if sum(1 for m in members if m in marks) == 1:
                    changed |= hide_one_of(members)
        exposed = first_exposed()
        if exposed is None:
            return marks
        lines = [(*parts, total) for parts, total in rules if exposed in (*parts, total)]
        if not hide_one_of(m for line in lines for m in line) and not hide_one_of(values):
            return marks  # nothing left to hide


# --- The report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: int
    mark: Mark

    @property
    def text(self) -> str:
        if self.mark == Mark.PRIMARY:
            return FEWER_THAN_5
        if self.mark == Mark.SECONDARY:
            return WITHHELD
        return str(self.value)

    @property
    def hidden(self) -> bool:
        return self.mark != Mark.SHOWN


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]  # one per column, then the row's total


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    row_heading: str
    columns: list[str]  # the column labels, then "Total"
    rows: list[Row]  # then the totals row


@dataclass(frozen=True)
class AnnualReport:
    year: int
    title: str
    reviewed: Cell
    tables: list[Table]

    @property
    def any_hidden(self) -> bool:
        return any(cell.hidden for table in self.tables for row in table.rows for cell in row.cells)


ROW_HEADINGS = {CATEGORY.key: "Category of death", AGE.key: "Age band"}


def build(year: int, deaths: Iterable[tuple[Death, int]]) -> AnnualReport:
    values = counts_of(deaths)
    marks = suppress(values, equations())

    def cell(name: str) -> Cell:
        return Cell(values[name], marks.get(name, Mark.SHOWN))

    tables = []
    for shape in TABLES:
        rows = [
            Row(
                label,
                [cell(inner(shape, code, column)) for column, _ in shape.columns.rows]
                + [cell(margin(shape.rows, code))],
            )
            for code, label in shape.rows.rows
        ]
        rows.append(
            Row(
                TOTAL,
                [cell(margin(shape.columns, column)) for column, _ in shape.columns.rows]
                + [cell(GRAND)],
            )
        )
        tables.append(
            Table(
                key=shape.key,
                title=shape.title,
                row_heading=ROW_HEADINGS[shape.rows.key],
                columns=[label for _, label in shape.columns.rows] + [TOTAL],
                rows=rows,
            )
        )
    return AnnualReport(year=year, title=year_title(year), reviewed=cell(GRAND), tables=tables)


def reviewed_deaths(year: int) -> list[tuple[Death, int]]:
    """The deaths the panel reviewed in the reporting year (its analysis completed, the case
    recorded as reviewed by the panel on a day in the year), counted by what the report
    shows. One query; nothing is decrypted."""
    start, after = year_bounds(year)
    rows = (
        Analysis.objects.filter(
            completed_at__isnull=False,
            case__stage_records__stage=Stage.PANEL_REVIEWED,
            case__stage_records__on__gte=start,
            case__stage_records__on__lt=after,
        )
        .values("category", "modifiable_factors", "case__unexpected", "case__age_band")
        .annotate(number=Count("pk"))
        .order_by()
    )
    return [
        (
            Death(
                category=row["category"],
                unexpected=row["case__unexpected"],
                modifiable=bool(row["modifiable_factors"]),
                age_band=row["case__age_band"],
            ),
            row["number"],
        )
        for row in rows
    ]


def annual_report(year: int) -> AnnualReport:
    return build(year, reviewed_deaths(year))


CSV_HEADINGS = ("Reporting year", "Table", "Row", "Column", "Value")


def report_csv(report: AnnualReport) -> str:
    """One line per published number (long form), the hidden ones as their marker."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(CSV_HEADINGS)
    for table in report.tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                writer.writerow([report.title, table.title, row.label, column, cell.text])
    return buffer.getvalue()


def _explanation(report: AnnualReport) -> str:
    return (
        f"Deaths of children reviewed by the child death overview panel from {report.title}. "
        f'Counts from 1 to 4 (and some zeros) are shown as "{FEWER_THAN_5}"; some other counts are '
        f'"{WITHHELD}" (5 or more) so that no small count can be worked out from the totals.'
    )


def report_pdf(report: AnnualReport, *, partnership: str) -> bytes:
    pdf = pdf_helpers.new_document(title=f"Child death overview panel: {report.title}")
    pdf.add_page()
    pdf_helpers.heading(pdf, "Child death overview panel: yearly statistics", size=18)
    pdf_helpers.paragraph(pdf, partnership)
    pdf_helpers.paragraph(pdf, _explanation(report))
    pdf_helpers.paragraph(pdf, f"Deaths reviewed: {report.reviewed.text}")
    for table in report.tables:
        pdf_helpers.heading(pdf, table.title, size=12)
        pdf_helpers.table(
            pdf,
            [
                [table.row_heading, *table.columns],
                *([row.label, *(cell.text for cell in row.cells)] for row in table.rows),
            ],
            size=9,
        )
    return pdf_helpers.output(pdf)
