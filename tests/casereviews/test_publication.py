"""The re-identification check and publication: every real name, date of birth, address,
school, NHS number and exact date the case holds is found in the draft, wherever it is;
publication is refused until each is fixed or accepted by a second person; the published
report is public."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from fpdf import FPDF

from safeguarding.audit.models import AuditEntry
from safeguarding.casereviews import publication, services
from safeguarding.casereviews.figures import year_figures
from safeguarding.casereviews.models import HitKind, PublishedReport, Stage
from tests.casereviews.conftest import notify
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BORN = date(2019, 5, 17)


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 6, 1, 10, tzinfo=LONDON))


@pytest.fixture
def review(case, officer):
    notify(case, officer, aware_on=date(2026, 5, 4), notified_on=date(2026, 5, 6))
    services.rapid_review_start(case=case, started_on=date(2026, 5, 7), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision="local_review",
        reasons="Invented",
        decided_on=date(2026, 5, 21),
        actor=officer,
    )
    services.practice_review_start(
        case=case, kind="lcspr", decided_on=date(2026, 6, 1), actor=officer
    )
    services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={
            "role": "child",
            "full_name": "Invented Riley Example-Jones",
            "date_of_birth": BORN,
            "address": "12 Invented Road, Notatown, NT1 2AB",
            "school": "Invented Primary Academy",
            "nhs_number": "943 476 5919",
        },
        actor=officer,
    )
    services.record_add(
        case=case,
        kind="chronology",
        fields={"occurred_on": date(2026, 3, 14), "agency": "Police", "event": "Invented"},
        actor=officer,
    )
    return case


DRAFT = """Child A was born in 2019.
Riley attended Invented Primary Academy.
Seen at 12 invented road on 14th March 2026 by the police.
Date of birth 17/05/2019; NHS number 943-476-5919.
The family moved to NT1 2AB.
On 3 March 2026 nothing happened."""


def found(check) -> set[tuple[str, str, str]]:
    return {(hit.kind, hit.location, hit.found) for hit in check.hits.all()}


def test_the_check_finds_every_identifying_detail_and_where(review, officer) -> None:
    check = publication.publication_check_run(case=review, actor=officer, text=DRAFT)

    assert found(check) == {
        (HitKind.NAME, "line 2", "Riley"),
        (HitKind.SCHOOL, "line 2", "Invented Primary Academy"),
        (HitKind.NAME, "line 2", "Invented"),
        (HitKind.NAME, "line 3", "invented"),
        (HitKind.ADDRESS, "line 3", "12 invented road"),
        (HitKind.DATE, "line 3", "14th March 2026"),
        (HitKind.DATE_OF_BIRTH, "line 4", "17/05/2019"),
        (HitKind.NHS_NUMBER, "line 4", "943-476-5919"),
        (HitKind.ADDRESS, "line 5", "NT1 2AB"),
    }
    assert {hit.pseudonym for hit in check.hits.filter(kind=HitKind.NAME)} == {"Child A"}


@pytest.mark.parametrize(
    "written", ["17 May 2019", "May 17, 2019", "2019-05-17", "17.5.19", "17th of May 2019"]
)
def test_a_date_of_birth_is_found_however_it_is_written(review, officer, written) -> None:
    check = publication.publication_check_run(case=review, actor=officer, text=f"Born {written}.")
    assert found(check) == {(HitKind.DATE_OF_BIRTH, "line 1", written)}


def _docx(text: str) -> bytes:
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines())
    return _office("docx", paragraphs)


WORD = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
ODF = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)


def _docx_file(document: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def _office(kind: str, body: str) -> bytes:
    """A minimal document of ``kind`` ("odt" or "docx") whose body is ``body``."""
    if kind == "docx":
        return _docx_file(f"<w:document {WORD}><w:body>{body}</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF}>'
            f"<office:body><office:text>{body}</office:text></office:body>"
            "</office:document-content>",
        )
    return buffer.getvalue()


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    for line in text.splitlines():
        pdf.cell(0, 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_an_uploaded_docx_or_pdf_draft_is_read(review, officer) -> None:
    docx = SimpleUploadedFile("draft.docx", _docx("Intro\nRiley was seen."))
    check = publication.publication_check_run(case=review, actor=officer, upload=docx)
    assert found(check) == {(HitKind.NAME, "line 2", "Riley")}

    pdf = SimpleUploadedFile("draft.pdf", _pdf("Intro\nRiley was seen."))
    check = publication.publication_check_run(case=review, actor=officer, upload=pdf)
    assert found(check) == {(HitKind.NAME, "page 1, line 2", "Riley")}


def test_an_odt_draft_is_read_as_a_word_processor_shows_it(review, officer) -> None:
    """Headings, lists and tables count; a name split over styled spans is one name; ODF's
    space and line-break elements are spaces and new lines; deleted text is not read."""
    body = (
        "<text:h>Learning from the review</text:h>"
        "<text:p>The school saw <text:span>Ri</text:span><text:span>ley</text:span>"
        " weekly.</text:p>"
        "<text:list><text:list-item><text:p>Nothing<text:s text:c='3'/>here</text:p>"
        "</text:list-item></text:list>"
        "<table:table><table:table-row><table:table-cell><text:p>First line<text:line-break/>"
        "Riley again</text:p></table:table-cell></table:table-row></table:table>"
        "<text:tracked-changes><text:changed-region><text:deletion><text:p>Riley deleted"
        "</text:p></text:deletion></text:changed-region></text:tracked-changes>"
    )
    odt = SimpleUploadedFile("draft.odt", _office("odt", body))
    check = publication.publication_check_run(case=review, actor=officer, upload=odt)
    assert found(check) == {(HitKind.NAME, "line 2", "Riley"), (HitKind.NAME, "line 5", "Riley")}


def test_a_docx_draft_joins_runs_and_skips_deleted_text(review, officer) -> None:
    body = (
        "<w:p><w:r><w:t>Seen by </w:t></w:r><w:r><w:t>Ri</w:t></w:r><w:r><w:t>ley</w:t></w:r></w:p>"
        "<w:p><w:r><w:delText>Riley</w:delText></w:r><w:r><w:t>Kept</w:t></w:r></w:p>"
    )
    docx = SimpleUploadedFile("draft.docx", _office("docx", body))
    check = publication.publication_check_run(case=review, actor=officer, upload=docx)
    assert found(check) == {(HitKind.NAME, "line 1", "Riley")}


def test_an_office_file_with_entities_is_refused_unread(review, officer) -> None:
    entities = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "Riley">]>'
        f"<w:document {WORD}><w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>"
    )
    upload = SimpleUploadedFile("d.docx", _docx_file(entities))
    with pytest.raises(ValidationError):
        publication.publication_check_run(case=review, actor=officer, upload=upload)


def test_anything_else_is_refused(review, officer) -> None:
    with pytest.raises(ValidationError, match="must be a PDF"):
        publication.publication_check_run(
            case=review, actor=officer, upload=SimpleUploadedFile("x.html", b"<html>Riley</html>")
        )


def _sent_in_time(case, officer) -> None:
    services.practice_review_update(
        case=case,
        fields={
            "final_report_on": date(2027, 5, 1),
            "sent_to_panel_on": date(2027, 5, 20),
            "sent_to_department_on": date(2027, 5, 20),
        },
        actor=officer,
    )


def test_publication_waits_for_every_hit_to_be_fixed_or_accepted_by_a_second_person(
    review, officer, member
) -> None:
    _sent_in_time(review, officer)
    assert publication.publication_blockers(review) == [
        "Check the final draft for anything that could identify someone"
    ]
    check = publication.publication_check_run(case=review, actor=officer, text="Riley, aged 8.")
    hit = check.hits.get()
    assert "could identify someone" in publication.publication_blockers(review)[0]
    with pytest.raises(ValidationError):
        publication.report_publish(
            case=review,
            title="Child A",
            upload=SimpleUploadedFile("r.pdf", _pdf("Report")),
            actor=officer,
        )

    with pytest.raises(ValidationError, match="second person"):
        publication.hit_accept(hit=hit, reason="Officer's own", actor=officer)
    assert AuditEntry.objects.filter(
        action="casereviews.publication.own_acceptance_refused"
    ).exists()
    publication.hit_accept(hit=hit, reason="Invented: a common name", actor=member)
    assert publication.publication_blockers(review) == []

    again = publication.publication_check_run(case=review, actor=officer, text="Riley, aged 8.")
    assert again.hits.get().is_accepted  # the acceptance carries to the next check
    fixed = publication.publication_check_run(case=review, actor=officer, text="Child A, aged 8.")
    assert not fixed.hits.exists()

    report = publication.report_publish(
        case=review,
        title="Child A: a local review",
        upload=SimpleUploadedFile("r.pdf", _pdf("Child A")),
        actor=officer,
    )
    review.refresh_from_db()
    assert review.stage == Stage.PUBLISHED
    assert review.practice_review.published_on == date(2027, 6, 1)
    assert report.published_by == officer


def test_publication_needs_the_report_sent_7_working_days_before(review, officer) -> None:
    services.practice_review_update(
        case=review,
        fields={
            "final_report_on": date(2027, 5, 1),
            "sent_to_panel_on": date(2027, 5, 25),  # 5 working days before 1 June
            "sent_to_department_on": date(2027, 5, 20),
        },
        actor=officer,
    )
    publication.publication_check_run(case=review, actor=officer, text="Child A")
    assert publication.publication_blockers(review) == [
        "The report must go to the national panel at least 7 working days before "
        "publication, by 20 May 2027"
    ]


def test_the_public_page_lists_published_reports_with_their_pdf(client: Client) -> None:
    report = PublishedReport.objects.create(
        title="Invented: Child Z",
        published_on=date(2027, 1, 5),
        pdf=_pdf("Report"),
        size=100,
        sha256="0" * 64,
    )
    page = client.get(reverse("casereviews:reviews"))
    assert page.status_code == 200
    assert "Invented: Child Z" in page.text
    pdf = client.get(reverse("casereviews:report_pdf", args=[report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_a_report_published_or_withdrawn_shows_on_the_next_visit_to_the_list() -> None:
    """The list is cached for anonymous visitors under a version the database raises."""
    assert "No reviews have been published yet." in Client().get("/case-reviews/").text
    cached = Client().get("/case-reviews/")
    assert not cached.templates  # type: ignore[attr-defined]  # served from the cache

    PublishedReport.objects.create(
        title="Invented: Child Y",
        published_on=date(2027, 2, 9),
        pdf=_pdf("Report"),
        size=100,
        sha256="0" * 64,
    )
    assert "Invented: Child Y" in Client().get("/case-reviews/").text
    PublishedReport.objects.update(title="Invented: Child X")
    assert "Invented: Child X" in Client().get("/case-reviews/").text
    PublishedReport.objects.all().delete()
    assert "No reviews have been published yet." in Client().get("/case-reviews/").text


def test_the_publication_pages_for_members(review, officer, member) -> None:
    client = Client()
    sign_in(client, member)
    page = reverse("casereviews:staff_publication", args=[review.pk])
    assert client.get(page).status_code == 200
    response = client.post(
        reverse("casereviews:staff_publication_check", args=[review.pk]), {"text": "Riley"}
    )
    assert response["Location"] == page
    assert "Riley" in client.get(page).text
    assert client.get(reverse("casereviews:staff_publish", args=[review.pk])).status_code == 403


def test_a_report_not_published_moves_the_case_to_its_own_stage(review, officer) -> None:
    publication.report_not_published(
        case=review,
        reason="Invented: publishing would identify the family",
        improvements_published_on=date(2027, 5, 20),
        actor=officer,
    )
    review.refresh_from_db()
    assert review.stage == Stage.NOT_PUBLISHED
    assert review.is_live  # the action plan is still carried out
    assert review.get_stage_display() == "Not published: improvements published instead"
    figures = {f.label: f.value for f in year_figures(2027, today=date(2027, 6, 1)).figures}
    assert figures["Reviews not published, with the improvements published instead"] == 1
    assert figures["Reviews published"] == 0
