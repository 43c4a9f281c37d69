"""CSV files that staff open in a spreadsheet: every cell quoted, and no typed-in value can
become a formula (CSV injection), whatever the separator of the spreadsheet's locale.

A cell is neutralised with a leading apostrophe when any part of it, split at any separator a
locale may use (comma, semicolon, tab, pipe), starts with a character that opens a formula.
So ``Bob;=1+1`` is written as ``"'Bob;=1+1"``: quoted, it stays one cell in a comma locale, and
it could not run in a semicolon one either.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_START = frozenset("=+-@\t\r\n")
_SEPARATORS = re.compile(r"[,;\t|]")


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def neutralise(value: object) -> object:
    """The value as it may go into a cell; numbers and dates pass unchanged."""
    if not isinstance(value, str):
        return value
    if any(part.lstrip(" ")[:1] in FORMULA_START for part in _SEPARATORS.split(value) if part):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` that quotes every cell and neutralises formulas."""

    def __init__(self, stream: _Writable) -> None:
        self._writer = csv.writer(stream, quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
