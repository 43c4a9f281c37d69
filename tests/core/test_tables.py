"""A wide table scrolls inside its own box on a phone (``.app-table-container``), so the page
itself never scrolls sideways (WCAG 1.4.10 Reflow). The browser tests measure it at 375 px."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Not shown in the service's pages: an email, the export's standalone file, a printed sheet.
NOT_ON_SCREEN = {
    "email/layout.html",
    "privacy/rights/export_summary.html",
    "training/staff/sign_in_sheet.html",
}


def test_every_table_on_a_page_is_inside_a_scrolling_container() -> None:
    bare = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(TEMPLATES))
        if name in NOT_ON_SCREEN:
            continue
        text = path.read_text()
        for table in re.finditer(r"<table\b", text):
            before = text[: table.start()]
            opened = before.rfind('class="app-table-container"')
            if opened == -1 or "</table>" in before[opened:]:
                bare.append(f"{name}:{before.count(chr(10)) + 1}")

    assert not bare, f'wrap these in <div class="app-table-container" ...>: {bare}'
