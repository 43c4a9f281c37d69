"""Each benchmark script reports its headline figures here, one machine-readable line each,
and ``bench/run.py`` gathers them from every script into one table (ratio, baseline, target
and whether it is met). The scripts still print their own detail above."""

from __future__ import annotations

import json
import os

PREFIX = "BENCH-FIGURE "
# The figures this process reported (bench/run.py's own benchmarks), which run.py keeps
# to itself instead of printing them for a parent to gather.
REPORTED: list[dict[str, object]] = []
GATHERED_HERE = False


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:  # pragma: no cover - platforms without a load average
        return "?"


def figure(
    what: str,
    value: float,
    *,
    baseline: str,
    target: str = "reported",
    at_least: float | None = None,
    at_most: float | None = None,
    unit: str = "x",
    note: str = "",
) -> None:
    """One figure: ``value`` (a ratio unless ``unit`` says otherwise) against ``baseline``;
    met when it is at least ``at_least`` / at most ``at_most`` (neither: only reported)."""
    met: bool | None = None
    if at_least is not None:
        met = value >= at_least
    if at_most is not None:
        met = value <= at_most if met is None else met and value <= at_most
    line = {
        "what": what,
        "value": value,
        "unit": unit,
        "baseline": baseline,
        "target": target,
        "met": met,
        "load": _load(),
        "note": note,
    }
    REPORTED.append(line)
    if not GATHERED_HERE:
        print(PREFIX + json.dumps(line), flush=True)


def table(lines: list[dict[str, object]]) -> str:
    """The figures as one plain-text table."""
    rows = [("What", "Figure", "Baseline (same run)", "Target", "Met", "Load", "Note")]
    for line in lines:
        met = {True: "yes", False: "NO", None: "-"}[line["met"]]  # type: ignore[index]
        value = float(line["value"])  # type: ignore[arg-type]
        shown = f"{value:.2f}x" if line["unit"] == "x" else f"{value:.0f}{line['unit']}"
        rows.append(
            (
                str(line["what"]),
                shown,
                str(line["baseline"]),
                str(line["target"]),
                met,
                str(line["load"]),
                str(line["note"]),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    out = []
    for number, row in enumerate(rows):
        out.append(" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if number == 0:
            out.append("-+-".join("-" * width for width in widths))
    return "\n".join(out)
