"""CSV exports: every cell quoted, and nothing typed in can run as a formula in any locale."""

from __future__ import annotations

import csv
import io

import pytest

from safeguarding.core.spreadsheets import SafeWriter


def _written(*cells: object) -> tuple[str, list[str]]:
    output = io.StringIO()
    SafeWriter(output).writerow(cells)
    text = output.getvalue()
    return text, next(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://example.org")',
        "+1",
        "-1+1",
        "@SUM(A1)",
        " =1+1",  # a space before the formula
        "\t=1+1",
        "Bob;=1+1",  # a semicolon locale would split here
        "Bob,=1+1",
        "Bob\t+1",
        "Bob|@x",
    ],
)
def test_a_typed_value_never_becomes_a_formula(typed: str) -> None:
    text, [cell] = _written(typed)

    assert cell == "'" + typed
    assert text.startswith('"')


def test_ordinary_values_are_kept_as_they_are_and_quoted() -> None:
    text, cells = _written("Sam Smith", "Norfolk County Council", 12, "A-team")

    assert cells == ["Sam Smith", "Norfolk County Council", "12", "A-team"]
    assert text.strip() == '"Sam Smith","Norfolk County Council","12","A-team"'
