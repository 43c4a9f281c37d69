"""The re-identification check of a draft report, before publication.

A published review must not let anyone recognise the child or their family, and jigsaw
identification (a school here, a date there) is the usual way it happens. The check reads the
draft as text (a PDF, DOCX, ODT or text file, or text pasted in) and looks for everything the
case holds that could identify someone:

- every real name on the key list: the full name, each other name, and each part of a name
  of three letters or more (a first name alone can identify a child in a small town);
- dates of birth, and every exact date the case holds (the chronology, the notification,
  meetings), written any of the usual ways ("17 May 2019", "17th May 2019", "17/05/2019",
  "17.5.19", "2019-05-17", "May 17, 2019");
- each line of an address (and so its postcode), each school, each NHS number (its digits,
  however spaced).

Each hit says what kind of detail it is, whose (the pseudonym), where (page and line), the
words found and the line they were found in.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from defusedxml import ElementTree  # type: ignore[import-untyped]
from defusedxml.common import DefusedXmlException  # type: ignore[import-untyped]

from safeguarding.casereviews.models import CaseReview, CaseSubject, HitKind, Notification
from safeguarding.workspaces.models import DocumentKind

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
SHORTEST_NAME_PART = 3


@dataclass(frozen=True)
class Line:
    location: str  # "line 4", "page 2, line 4"
    text: str


@dataclass(frozen=True)
class Found:
    kind: HitKind
    pseudonym: str
    location: str
    found: str
    context: str


# --- Reading a draft -------------------------------------------------------------------------


def _numbered(text: str, prefix: str = "") -> Iterator[Line]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield Line(f"{prefix}line {number}", line.strip())


@dataclass(frozen=True)
class _Markup:
    """How an office format marks paragraphs, the text in them, spaces, tabs and line breaks."""

    paragraphs: frozenset[str]
    text: frozenset[str] | None  # the elements holding text; None: every element, and tails
    space: str  # an element standing for spaces, its count in ``space_count`` (ODF's text:s)
    space_count: str
    tab: frozenset[str]
    line_break: frozenset[str]
    skip: frozenset[str]  # content that is not the document's text (deleted text, for one)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_T = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
DOCX = _Markup(
    paragraphs=frozenset({f"{_W}p"}),
    text=frozenset({f"{_W}t"}),
    space="",
    space_count="",
    tab=frozenset({f"{_W}tab"}),
    line_break=frozenset({f"{_W}br", f"{_W}cr"}),
    skip=frozenset({f"{_W}delText", f"{_W}instrText"}),
)
ODT = _Markup(
    paragraphs=frozenset({f"{_T}p", f"{_T}h"}),
    text=None,
    space=f"{_T}s",
    space_count=f"{_T}c",
    tab=frozenset({f"{_T}tab"}),
    line_break=frozenset({f"{_T}line-break"}),
    skip=frozenset({f"{_T}tracked-changes"}),
)


def _office_paragraphs(xml: bytes, markup: _Markup) -> str:
    """The text of each paragraph of an office document's XML, one a line: words split over
    runs and spans join up; spaces, tabs and line breaks are kept; a paragraph inside another
    (a footnote) is a line of its own. Parsed safely: no entities, nothing fetched."""
    lines: list[str] = []
    tails = markup.text is None

    def inside(element: Any, into: list[str]) -> None:
        for child in element:
            tag = child.tag
            if tag in markup.skip:
                pass
            elif tag in markup.paragraphs:
                paragraph(child)
            elif markup.space and tag == markup.space:
                into.append(" " * int(child.get(markup.space_count) or 1))
            elif tag in markup.tab:
                into.append("\t")
            elif tag in markup.line_break:
                into.append("\n")
            else:
                if child.text and (markup.text is None or tag in markup.text):
                    into.append(child.text)
                inside(child, into)
            if tails and child.tail:
                into.append(child.tail)

    def paragraph(element: Any) -> None:
        own = [element.text] if tails and element.text else []
        inside(element, own)
        lines.extend("".join(own).split("\n"))

    def walk(element: Any) -> None:
        for child in element:
            if child.tag in markup.paragraphs:
                paragraph(child)
            elif child.tag not in markup.skip:
                walk(child)

    walk(ElementTree.fromstring(xml))
    return "\n".join(lines)


def _zip_entry(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def draft_lines(data: bytes, kind: DocumentKind) -> list[Line]:
    """The lines of a draft document, with where each is (ValueError if it cannot be read)."""
    # Here, not at the top: pypdf is ~20 MB that only a process reading a draft needs.
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        if kind == DocumentKind.PDF:
            pages = PdfReader(io.BytesIO(data)).pages
            return [
                line
                for number, page in enumerate(pages, start=1)
                for line in _numbered(page.extract_text() or "", f"page {number}, ")
            ]
        if kind == DocumentKind.DOCX:
            xml = _zip_entry(data, "word/document.xml")
            return list(_numbered(_office_paragraphs(xml, DOCX)))
        if kind == DocumentKind.ODT:
            xml = _zip_entry(data, "content.xml")
            return list(_numbered(_office_paragraphs(xml, ODT)))
        return list(_numbered(data.decode("utf-8")))
    except (
        PdfReadError,
        zipfile.BadZipFile,
        KeyError,
        UnicodeDecodeError,
        ElementTree.ParseError,
        DefusedXmlException,
        ValueError,
    ) as error:
        raise ValueError("The draft could not be read as text") from error


def text_lines(text: str) -> list[Line]:
    return list(_numbered(text))


# --- What to look for ------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    kind: HitKind
    pseudonym: str
    pattern: re.Pattern[str]


def _words(text: str) -> re.Pattern[str]:
    """``text`` as whole words, any case, any white space between them."""
    parts = [re.escape(part) for part in text.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", flags=re.IGNORECASE)


def _lines_of(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,]", text or "") if len(part.strip()) >= 4]


def subject_terms(subject: CaseSubject) -> Iterator[Term]:
    who = subject.pseudonym
    names = {subject.full_name.strip(), *(n.strip() for n in subject.other_names.splitlines())}
    names |= {
        part
        for name in list(names)
        for part in name.replace("-", " ").split()
        if len(part) >= SHORTEST_NAME_PART
    }
    for name in sorted(n for n in names if n):
        yield Term(HitKind.NAME, who, _words(name))
    for line in _lines_of(subject.address):
        yield Term(HitKind.ADDRESS, who, _words(line))
    if subject.school.strip():
        yield Term(HitKind.SCHOOL, who, _words(subject.school))
    digits = "".join(ch for ch in subject.nhs_number if ch.isdigit())
    if digits:
        spaced = r"[\s-]*".join(digits)
        yield Term(HitKind.NHS_NUMBER, who, re.compile(rf"(?<!\d){spaced}(?!\d)"))


# Any date written the usual ways; each match is parsed and compared with the dates held.
_MONTH = "|".join(MONTHS) + "|" + "|".join(m[:3] for m in MONTHS) + "|sept"
DATE_PATTERN = re.compile(
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{_MONTH})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<d3>\d{1,2})[/.](?P<m3>\d{1,2})[/.](?P<y3>\d{4}|\d{2})(?!\d)"
    r"|(?P<y4>\d{4})-(?P<m4>\d{1,2})-(?P<d4>\d{1,2})(?!\d)",
    flags=re.IGNORECASE,
)


def _month(text: str) -> int:
    return (
        int(text)
        if text.isdigit()
        else MONTHS.index(next(m for m in MONTHS if m.startswith(text.lower()[:3]))) + 1
    )


def parse_date(match: re.Match[str]) -> date | None:
    for n in "1234":
        day, month, year = match.group(f"d{n}"), match.group(f"m{n}"), match.group(f"y{n}")
        if day is None:
            continue
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        try:
            return date(full_year, _month(month), int(day))
        except ValueError:
            return None
    return None


def held_dates(
    case: CaseReview, subjects: Iterable[CaseSubject]
) -> dict[date, tuple[HitKind, str]]:
    """Every exact date the case holds, with what it is and whose it is."""
    dates: dict[date, tuple[HitKind, str]] = {}
    for day in case.chronology.values_list("occurred_on", flat=True):
        dates[day] = (HitKind.DATE, "")
    for day in case.meetings.values_list("held_on", flat=True):
        dates[day] = (HitKind.DATE, "")
    notice = Notification.objects.filter(case=case).first()
    if notice is not None:
        for noticed in (notice.aware_on, notice.notified_on):
            if noticed:
                dates[noticed] = (HitKind.DATE, "")
    for subject in subjects:
        if subject.date_of_birth:
            dates[subject.date_of_birth] = (HitKind.DATE_OF_BIRTH, subject.pseudonym)
    return dates


# --- The scan --------------------------------------------------------------------------------


def scan(
    lines: Iterable[Line], terms: list[Term], dates: dict[date, tuple[HitKind, str]]
) -> list[Found]:
    found: list[Found] = []
    for line in lines:
        for term in terms:
            for match in term.pattern.finditer(line.text):
                found.append(
                    Found(term.kind, term.pseudonym, line.location, match.group(0), line.text)
                )
        for match in DATE_PATTERN.finditer(line.text):
            day = parse_date(match)
            if day in dates:
                kind, who = dates[day]
                found.append(Found(kind, who, line.location, match.group(0), line.text))
    return found


def check_case(case: CaseReview, lines: Iterable[Line]) -> list[Found]:
    subjects = list(case.subjects.all())
    terms = [term for subject in subjects for term in subject_terms(subject)]
    return scan(lines, terms, held_dates(case, subjects))
