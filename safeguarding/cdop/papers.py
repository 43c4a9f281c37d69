"""The papers pack for a panel meeting (a PDF): one section per case on the agenda that the
person downloading it is a member of (``selectors.agenda_for``), with the case's summary as
the panel sees it, the analysis so far and how many reporting forms have come back.

What the panel sees is anonymised (the domain notes, 1.2): a case is its reference, age band
and whether the death was expected; the child's name, address and the notifiers are not in
the pack. Every page is marked OFFICIAL-SENSITIVE. The pack is built when it is downloaded
and never stored; the download is audited (``cdop.papers.made``) and the cases in it are
logged as read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404

from safeguarding.cdop.models import (
    AgendaItem,
    Analysis,
    Category,
    Contribution,
    Domain,
    DomainAssessment,
    PanelMeeting,
    ReportingForm,
    Stage,
)
from safeguarding.cdop.selectors import agenda_for
from safeguarding.core import dates
from safeguarding.core import pdf as pdf_helpers

if TYPE_CHECKING:
    from safeguarding.workspaces.selectors import Person

MARKING = "OFFICIAL-SENSITIVE"
NOTHING_YET = "Not recorded yet."


@dataclass(frozen=True)
class FormsCount:
    requested: int
    returned: int


@dataclass(frozen=True)
class Paper:
    item: AgendaItem
    analysis: Analysis | None
    domains: list[DomainAssessment]
    forms: FormsCount


def papers_for(meeting: PanelMeeting, *, user: Person) -> list[Paper]:
    """The papers of ``meeting`` for ``user``: the agenda items of cases they are a member
    of (read through ``agenda_for``, which logs the reads). Http404 when there are none, so
    someone with no case on the agenda learns nothing about the meeting. Three queries
    after the agenda's, however many cases."""
    items = agenda_for(meeting, user=user)
    if not items:
        raise Http404("No such page")
    case_ids = [item.case_id for item in items]
    counts = {
        row["case_id"]: FormsCount(row["requested"], row["returned"])
        for row in ReportingForm.objects.filter(case_id__in=case_ids, withdrawn_at__isnull=True)
        .values("case_id")
        .annotate(requested=Count("pk"), returned=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by()
    }
    domains: dict[int, list[DomainAssessment]] = {}
    for assessment in DomainAssessment.objects.filter(analysis__case_id__in=case_ids):
        domains.setdefault(assessment.analysis_id, []).append(assessment)
    papers = []
    for item in items:
        analysis = getattr(item.case, "analysis", None)
        found = domains.get(analysis.pk, []) if analysis else []
        papers.append(
            Paper(
                item=item,
                analysis=analysis,
                domains=sorted(found, key=lambda d: Domain.values.index(d.domain)),
                forms=counts.get(item.case_id, FormsCount(0, 0)),
            )
        )
    return papers


def _analysis_lines(paper: Paper) -> list[tuple[str, str]]:
    analysis = paper.analysis
    if analysis is None:
        return [("Analysis", "Not started.")]
    status = (
        f"Completed on {dates.day(analysis.completed_at)}"
        if analysis.completed_at
        else "In progress"
    )
    modifiable = {True: "Yes", False: "No", None: "Not decided yet"}[analysis.modifiable_factors]
    return [
        ("Analysis", status),
        (
            "Category of death",
            Category(analysis.category).label if analysis.category else NOTHING_YET,
        ),
        ("Modifiable factors identified", modifiable),
    ]


def papers_pdf(meeting: PanelMeeting, papers: list[Paper]) -> bytes:
    pdf = pdf_helpers.new_document(
        title=f"Child death overview panel papers, {dates.day(meeting.held_on)}", marking=MARKING
    )
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf_helpers.heading(pdf, "Child death overview panel: meeting papers", size=18)
    pdf_helpers.paragraph(pdf, str(settings.PARTNERSHIP["name"]))
    where = f" at {meeting.location}" if meeting.location else ""
    pdf_helpers.paragraph(pdf, f"Meeting on {dates.weekday(meeting.held_on)}{where}.")
    pdf_helpers.paragraph(
        pdf,
        "For the panel's members only. Do not copy or forward these papers. The cases are "
        "anonymised: each is named by its reference. Destroy paper copies after the meeting.",
    )
    pdf_helpers.table(
        pdf,
        [
            ["Item", "Case", "Age band", "Death", "Stage"],
            *(
                [
                    str(paper.item.position),
                    paper.item.case.reference,
                    paper.item.case.get_age_band_display(),
                    "Unexpected" if paper.item.case.unexpected else "Expected",
                    Stage(paper.item.case.stage).label,
                ]
                for paper in papers
            ),
        ],
    )
    for paper in papers:
        case = paper.item.case
        pdf.add_page()
        pdf_helpers.heading(pdf, f"Item {paper.item.position}: {case.reference}", size=16)
        pdf_helpers.table(
            pdf,
            [
                ["About the case", ""],
                ["Age band", case.get_age_band_display()],
                ["Death", "Unexpected" if case.unexpected else "Expected"],
                ["Stage", Stage(case.stage).label],
                [
                    "Reporting forms returned",
                    f"{paper.forms.returned} of {paper.forms.requested} requested",
                ],
                *_analysis_lines(paper),
            ],
        )
        pdf_helpers.heading(pdf, "Summary", size=12)
        summary = paper.analysis.summary if paper.analysis else ""
        pdf_helpers.paragraph(pdf, summary or NOTHING_YET)
        pdf_helpers.heading(pdf, "Factors by domain", size=12)
        if paper.domains:
            pdf_helpers.table(
                pdf,
                [
                    ["Domain", "Contribution", "Modifiable", "Factors"],
                    *(
                        [
                            Domain(d.domain).label,
                            Contribution(d.contribution).label,
                            "Yes" if d.modifiable else "No",
                            d.factors or "None described",
                        ]
                        for d in paper.domains
                    ),
                ],
                size=9,
            )
        else:
            pdf_helpers.paragraph(pdf, NOTHING_YET)
        pdf_helpers.heading(pdf, "Learning", size=12)
        learning = paper.analysis.learning if paper.analysis else ""
        pdf_helpers.paragraph(pdf, learning or NOTHING_YET)
    return pdf_helpers.output(pdf)
