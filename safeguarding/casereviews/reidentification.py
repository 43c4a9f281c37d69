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

import html
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from pypdf import PdfReader
from pypdf.errors import PdfReadError

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


def _xml_paragraphs(xml: str, paragraph: str) -> str:
    """The text of each paragraph of an office document's XML, one a line (tags dropped)."""
    lines = []
    for match in re.finditer(rf"<{paragraph}[ >].*?</{paragraph}>", xml, flags=re.S):
        lines.append(html.unescape(re.sub(r"<[^>]+>", "", match.group(0))))
    return "\n".join(lines)


def _zip_entry(data: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name).decode("utf-8", errors="replace")


def draft_lines(data: bytes, kind: DocumentKind) -> list[Line]:
    """The lines of a draft document, with where each is (ValueError if it cannot be read)."""
    try:
        if kind == DocumentKind.PDF:
            pages = PdfReader(io.BytesIO(data)).pages
            return [
                line
                for number, page in enumerate(pages, start=1)
                for line in _numbered(page.extract_text() or "", f"page {number}, ")
            ]
        if kind == DocumentKind.DOCX:
            return list(_numbered(_xml_paragraphs(_zip_entry(data, "word/document.xml"), "w:p")))
        if kind == DocumentKind.ODT:
            xml = _zip_entry(data, "content.xml")
            return list(_numbered(_xml_paragraphs(xml, "text:(?:p|h)")))
        return list(_numbered(data.decode("utf-8")))
    except (PdfReadError, zipfile.BadZipFile, KeyError, UnicodeDecodeError) as error:
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
