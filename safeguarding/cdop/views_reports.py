"""Downloads from child death reviews (MFA enforced by middleware; never cached: staff pages
and attachments are ``no-store``, ``core.middleware``):

- the export of a closed case for the National Child Mortality Database (JSON, and a CSV of
  its statistics): for the case's leads and members only (a reviewer: 403; anyone else,
  administrators included: 404), audited;
- the panel's yearly statistics (page, CSV, PDF), small numbers suppressed: for the CDOP
  coordinator's role, counts only, audited;
- a panel meeting's papers pack (PDF, OFFICIAL-SENSITIVE): for members of the cases on its
  agenda, holding only their cases (anyone else: 404), audited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import staff_user, staff_user_with_role
from safeguarding.audit.services import audit_log
from safeguarding.cdop import annual_report, export, papers, selectors
from safeguarding.cdop.models import ChildDeath, PanelMeeting
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.selectors import require_role

REPORT_ROLES = (Role.CDOP_COORDINATOR,)


def _attachment(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- The NCMD export --------------------------------------------------------------------------


def _exported_case(request: HttpRequest, pk: int, *, form: str) -> tuple[Any, ChildDeath]:
    user = staff_user(request)
    case = selectors.case_for(user, pk, purpose=f"export for the national database ({form})")
    require_role(user, case.workspace, MembershipRole.LEAD, MembershipRole.MEMBER)
    if not export.exportable(case):
        raise Http404("No such page")
    return user, case


def _record(user: Any, case: ChildDeath, *, form: str) -> dict[str, Any]:
    try:
        record = export.ncmd_record(case)
    except export.NotExportable:
        raise Http404("No such page") from None
    audit_log(
        action="cdop.export.made",
        actor=user,
        target=case,
        details={"format": form, "schema_version": export.SCHEMA_VERSION},
    )
    return record


@require_safe
def ncmd_page(request: HttpRequest, pk: int) -> HttpResponse:
    """What the export holds and leaves out, its downloads, and whether it has been sent."""
    _, case = _exported_case(request, pk, form="page")
    return render(
        request,
        "cdop/reports/ncmd.html",
        {"case": case, "schema_version": export.SCHEMA_VERSION},
    )


@require_safe
def ncmd_json(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _exported_case(request, pk, form="json")
    record = _record(user, case, form="json")
    return _attachment(
        export.ncmd_json(record),
        content_type="application/json",
        filename=export.filename(case, "json"),
    )


@require_safe
def ncmd_csv(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _exported_case(request, pk, form="csv")
    record = _record(user, case, form="csv")
    return _attachment(
        export.statistics_csv([record]),
        content_type="text/csv; charset=utf-8",
        filename=export.filename(case, "csv"),
    )


# --- The annual report ------------------------------------------------------------------------


def _report(request: HttpRequest, *, form: str) -> annual_report.AnnualReport:
    user = staff_user_with_role(request, *REPORT_ROLES)
    offered = annual_report.years_offered(timezone.localdate())
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdecimal() else offered[0]
    if year not in offered:
        raise Http404("No such page")
    report = annual_report.annual_report(year)
    audit_log(action="cdop.report.made", actor=user, details={"year": year, "format": form})
    return report


@require_safe
def report_page(request: HttpRequest) -> HttpResponse:
    report = _report(request, form="page")
    offered = annual_report.years_offered(timezone.localdate())
    return render(
        request,
        "cdop/reports/annual_report.html",
        {
            "report": report,
            "years": [(year, annual_report.year_title(year)) for year in offered],
            "fewer_than_5": annual_report.FEWER_THAN_5,
            "withheld": annual_report.WITHHELD,
        },
    )


@require_safe
def report_csv(request: HttpRequest) -> HttpResponse:
    report = _report(request, form="csv")
    return _attachment(
        annual_report.report_csv(report),
        content_type="text/csv; charset=utf-8",
        filename=f"child-death-reviews-{report.year}.csv",
    )


@require_safe
def report_pdf(request: HttpRequest) -> HttpResponse:
    report = _report(request, form="pdf")
    return _attachment(
        annual_report.report_pdf(report, partnership=str(settings.PARTNERSHIP["name"])),
        content_type="application/pdf",
        filename=f"child-death-reviews-{report.year}.pdf",
    )


# --- A panel meeting's papers -----------------------------------------------------------------


@require_safe
def papers_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    meeting = get_object_or_404(PanelMeeting, pk=pk)
    pack = papers.papers_for(meeting, user=user)
    audit_log(
        action="cdop.papers.made",
        actor=user,
        target=meeting,
        details={"cases": [paper.item.case_id for paper in pack]},
    )
    return _attachment(
        papers.papers_pdf(meeting, pack),
        content_type="application/pdf",
        filename=f"panel-papers-{meeting.held_on.isoformat()}.pdf",
    )
