"""PDFs the platform writes (fpdf2): certificates, the child death panel's papers and annual
report. One font for all of them, and an optional protective marking printed at the top and
bottom of every page (for example OFFICIAL-SENSITIVE, the Government Security Classifications
marking for information whose loss would harm the people it is about).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from fpdf import FPDF

# DejaVu Sans (from npm, copied by `make assets`): Latin in full, Greek and Cyrillic, so a
# name like "Łucja Nguyễn" prints as written. The PDF core fonts cover Latin-1 only.
FONT = "DejaVuSans"
FONT_DIR = Path(settings.BASE_DIR) / "safeguarding" / "static" / "dist" / "fonts"


def text(value: str) -> str:
    """Composed characters (a name typed as "e" + combining acute prints as one "é")."""
    return unicodedata.normalize("NFC", value)


@cache
def _document_class() -> Callable[..., FPDF]:
    """fpdf2's page with the protective marking. Made on the first PDF a process writes:
    fpdf2 brings Pillow and fontTools (~40 MB), which the processes that never write one
    (workers, web servers: they run the system checks, which import every view) need not
    hold."""
    from fpdf import FPDF

    class Document(FPDF):
        """A page with the protective ``marking`` (if any) centred in its header and
        footer, and page numbers when marked."""

        def __init__(self, *, marking: str = "", **kwargs: object) -> None:
            super().__init__(**kwargs)  # type: ignore[arg-type]
            self.marking = marking

        def header(self) -> None:
            if self.marking:
                self.set_font(FONT, "B", 10)
                self.cell(0, 6, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

        def footer(self) -> None:
            if self.marking:
                self.set_y(-15)
                self.set_font(FONT, "B", 9)
                self.cell(0, 5, self.marking, align="C", new_x="LMARGIN", new_y="NEXT")
                self.set_font(FONT, "", 8)
                self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="C")

    return Document


def new_document(
    *,
    title: str,
    orientation: Literal["portrait", "landscape"] = "portrait",
    marking: str = "",
    font_dir: Path | None = None,
) -> FPDF:
    """An A4 document with the project font (bold too) loaded, titled, in British English."""
    folder = font_dir or FONT_DIR
    regular, bold = folder / f"{FONT}.ttf", folder / f"{FONT}-Bold.ttf"
    if not (regular.is_file() and bold.is_file()):
        raise ImproperlyConfigured(f"The PDF font is missing from {folder}: run `make assets`.")
    pdf = _document_class()(marking=marking, orientation=orientation, format="A4")
    pdf.add_font(FONT, "", str(regular))
    pdf.add_font(FONT, "B", str(bold))
    pdf.set_title(text(title))
    pdf.set_lang("en-GB")
    pdf.set_font(FONT, "", 11)
    return pdf


def heading(pdf: FPDF, words: str, *, size: int = 14) -> None:
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.6, text(words), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "", 11)


def paragraph(pdf: FPDF, words: str, *, size: int = 11) -> None:
    pdf.set_font(FONT, "", size)
    pdf.multi_cell(0, size * 0.5, text(words), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def table(pdf: FPDF, rows: Sequence[Sequence[str]], *, size: int = 10) -> None:
    """A table whose first row is its heading row."""
    pdf.set_font(FONT, "", size)
    with pdf.table(first_row_as_headings=True, line_height=size * 0.55) as grid:
        for values in rows:
            row = grid.row()
            for value in values:
                row.cell(text(str(value)))
    pdf.ln(3)


def output(pdf: FPDF) -> bytes:
    return bytes(pdf.output())
