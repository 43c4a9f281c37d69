"""The page every PDF of the platform is drawn on (``core.pdf.new_document`` makes one): on its
own so that fpdf2 is imported only by a process that writes a PDF."""

from __future__ import annotations

from fpdf import FPDF

from safeguarding.core.pdf import FONT


class Document(FPDF):
    """A page with the protective ``marking`` (if any) centred in its header and footer, and
    page numbers when marked."""

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
