"""Staff pages of case reviews (MFA enforced by middleware). Any member of staff sees the
dashboard of the cases they are a member of; a review officer opens cases. Every page of a
case is for its live members only: anyone else, administrators included, gets 404, and every
page is read through ``selectors`` (logged). Leads and members change things; reviewers
read. Pages are never cached (``core.middleware``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import staff_user, staff_user_with_role, user_has_role
from safeguarding.audit.services import audit_read
from safeguarding.casereviews import selectors, services
from safeguarding.casereviews.clocks import case_clocks
from safeguarding.casereviews.figures import figures_csv, reporting_year, year_figures
from safeguarding.casereviews.forms import (
    RECORD_FORMS,
    ActionForm,
    CloseCaseForm,
    NewSubjectForm,
    NotificationForm,
    OpenCaseForm,
    PracticeReviewForm,
    PracticeReviewStartForm,
    RapidReviewDecisionForm,
    RapidReviewForm,
    RapidReviewStartForm,
    SubjectForm,
    initial_for,
)
from safeguarding.casereviews.models import CaseReview, Recommendation
from safeguarding.core.form_views import form_page
from safeguarding.core.forms import posted
from safeguarding.workspaces import kinds
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.record_pages import RecordPages
from safeguarding.workspaces.selectors import require_role
from safeguarding.workspaces.sharing import events_on_record

FORM_TEMPLATE = "casereviews/staff/form.html"
CHRONOLOGY_ON_CASE_PAGE = 10
PAGE_SIZE = 50

# Each kind of record in plain words: (the list's heading, one record, the add button).
KIND_WORDS = {
    "chronology": ("Chronology", "chronology entry", "Add to the chronology"),
    "information-requests": ("Requests to agencies", "request to an agency", "Add a request"),
    "reviewer-requests": (
        "Written requests to the reviewer",
        "request to the reviewer",
        "Add a request",
    ),
    "checkpoints": ("Progress and quality checkpoints", "checkpoint", "Add a checkpoint"),
    "meetings": ("Meetings", "meeting", "Add a meeting"),
    "decisions": ("Decisions", "decision", "Record a decision"),
    "recommendations": ("Recommendations", "recommendation", "Add a recommendation"),
    "actions": ("Action plan", "action", "Add an action"),
}


PAGES = RecordPages("casereviews:staff_case", FORM_TEMPLATE, selectors.case_for)
writer_case = PAGES.writer
case_form = PAGES.form
_case_url = PAGES.url


def member_case(
    request: HttpRequest, pk: int, *, purpose: str = "view the case"
) -> tuple[User, CaseReview]:
    return PAGES.member(request, pk, purpose=purpose)


def _kind(kind: str) -> str:
    if kind not in RECORD_FORMS:
        raise Http404("No such page")
    return kind


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timezone.localdate()
    live = selectors.live_cases(user, today=today, page=request.GET.get("page"))
    return render(
        request,
        "casereviews/staff/home.html",
        {
            "lines": live.lines,
            "page": live.page,
            "today": today,
            "may_open": user_has_role(user, Role.REVIEW_OFFICER),
            "may_see_figures": user_has_role(user, *FIGURES_ROLES),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def open_case(request: HttpRequest) -> HttpResponse:
    actor = staff_user_with_role(request, Role.REVIEW_OFFICER)
    return form_page(
        request,
        OpenCaseForm(posted(request)),
        template=FORM_TEMPLATE,
        context={
            "title": "Open a case review",
            "button": "Open the case",
            "intro": (
                "You will lead the case: only the people you give access to will see it. "
                "The case file is kept under the partnership's inquiry hold."
            ),
        },
        service=lambda data: services.case_open(actor=actor, **data),
        message=lambda case: f"Case {case.reference} opened.",
        success_url=lambda case: _case_url(case),
    )


@require_safe
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = member_case(request, pk)
    today = timezone.localdate()
    membership = require_role(user, case.workspace)
    purpose = "view the case"
    sections = selectors.case_page_records(
        user,
        case,
        list(RECORD_FORMS),
        latest={"chronology": CHRONOLOGY_ON_CASE_PAGE},
        purpose=purpose,
    )
    return render(
        request,
        "casereviews/staff/case.html",
        {
            "case": case,
            "today": today,
            "clocks": [(clock, clock.in_words(today)) for clock in case_clocks(case)],
            "subjects": selectors.key_list(user, case, purpose=purpose),
            "sections": [
                (kind, KIND_WORDS[kind], sections[kind])
                for kind in RECORD_FORMS
                if kind not in ("reviewer-requests", "checkpoints") or _has(case, "practice_review")
            ],
            "counts": selectors.count_records(case, user),
            "notification": related(case, "notification"),
            "rapid_review": related(case, "rapid_review"),
            "practice_review": related(case, "practice_review"),
            "may_change": membership.role in (MembershipRole.LEAD, MembershipRole.MEMBER),
            "is_lead": membership.role == MembershipRole.LEAD,
            "latest": CHRONOLOGY_ON_CASE_PAGE,
            "shared": events_on_record(case.workspace, user=user, purpose=purpose),
            "referred_from": _referred_from(case),
        },
    )


def _referred_from(case: CaseReview) -> dict[str, Any] | None:
    """The kind of workspace whose referral opened the case, and its page (which answers
    404 to anyone who is not its member)."""
    if case.referred_from is None:
        return None
    return {
        "label": kinds.kind_label(case.referred_from.kind),
        "url": kinds.home_url(case.referred_from),
    }


def related(case: CaseReview, name: str) -> Any:
    return getattr(case, name) if _has(case, name) else None


def _has(case: CaseReview, name: str) -> bool:
    try:
        getattr(case, name)
    except ObjectDoesNotExist:
        return False
    return True


@require_safe
def record_list(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user, case = member_case(request, pk, purpose="view the case")
    kind = _kind(kind)
    page = selectors.records_page(
        user, case, kind, number=request.GET.get("page"), size=PAGE_SIZE, purpose=f"view the {kind}"
    )
    membership = require_role(user, case.workspace)
    return render(
        request,
        "casereviews/staff/records.html",
        {
            "case": case,
            "kind": kind,
            "words": KIND_WORDS[kind],
            "page": page,
            "today": timezone.localdate(),
            "may_change": membership.role in (MembershipRole.LEAD, MembershipRole.MEMBER),
        },
    )


def _record_form(
    case: CaseReview, kind: str, data: Any, initial: dict[str, Any] | None = None
) -> forms.Form:
    form_class = RECORD_FORMS[kind]
    if form_class is ActionForm:
        return ActionForm(
            data, initial=initial, recommendations=Recommendation.objects.filter(case=case)
        )
    return form_class(data, initial=initial)


@require_http_methods(["GET", "HEAD", "POST"])
def record_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    kind = _kind(kind)
    actor, case = writer_case(request, pk, purpose=f"add to the {kind}")
    _, one, button = KIND_WORDS[kind]
    return case_form(
        request,
        case,
        _record_form(case, kind, posted(request), initial={"status": "open"}),
        title=button,
        service=lambda data: services.record_add(case=case, kind=kind, fields=data, actor=actor),
        message=f"The {one} was added.",
        section=kind,
        button=button,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def record_edit(request: HttpRequest, pk: int, kind: str, item: int) -> HttpResponse:
    kind = _kind(kind)
    actor, case = writer_case(request, pk, purpose=f"change the {kind}")
    record = selectors.record_for(actor, case, kind, item, purpose=f"change the {kind}")
    _, one, _ = KIND_WORDS[kind]
    return case_form(
        request,
        case,
        _record_form(case, kind, posted(request), initial_for(record, RECORD_FORMS[kind])),
        title=f"Change the {one}",
        service=lambda data: services.record_update(
            record=record, kind=kind, fields=data, actor=actor
        ),
        message=f"The {one} was changed.",
        section=kind,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subject_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="add to the key list")

    def add(data: dict[str, Any]) -> Any:
        pseudonym = data.pop("pseudonym")
        return services.subject_add(case=case, pseudonym=pseudonym, fields=data, actor=actor)

    return case_form(
        request,
        case,
        NewSubjectForm(posted(request)),
        title="Add someone to the key list",
        intro=(
            "Their real details are stored encrypted. The case and its report use only the "
            "name you give them here."
        ),
        service=add,
        message="Added to the key list.",
        section="key-list",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subject_edit(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="change the key list")
    subject = selectors.subject_for(actor, case, item, purpose="change the key list")
    return case_form(
        request,
        case,
        SubjectForm(posted(request), initial=initial_for(subject, SubjectForm)),
        title=f"Change the real details of {subject.pseudonym}",
        service=lambda data: services.subject_update(subject=subject, fields=data, actor=actor),
        message="The key list was changed.",
        section="key-list",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def notification(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="record the notification")
    current = related(case, "notification")
    initial = initial_for(current, NotificationForm) if current else {"looked_after": "no"}
    return case_form(
        request,
        case,
        NotificationForm(posted(request), initial=initial),
        title="Serious incident notification",
        service=lambda data: services.notification_record(case=case, fields=data, actor=actor),
        message="The notification was saved.",
        section="notification",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def rapid_review_start(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="start the rapid review")
    return case_form(
        request,
        case,
        RapidReviewStartForm(posted(request)),
        title="Start the rapid review",
        intro="It is due 15 working days from the date the notification was sent to the panel.",
        service=lambda data: services.rapid_review_start(case=case, actor=actor, **data),
        message="The rapid review has started.",
        section="rapid-review",
        button="Start the rapid review",
    )


def _review_form(
    request: HttpRequest,
    pk: int,
    *,
    review: str,
    form_class: type[forms.Form],
    title: str,
    update: Callable[..., Any],
) -> HttpResponse:
    """The change page of the rapid review or the practice review (404 before it starts)."""
    actor, case = writer_case(request, pk, purpose=f"change the {review.replace('_', ' ')}")
    current = related(case, review)
    if current is None:
        raise Http404("No such page")
    return case_form(
        request,
        case,
        form_class(posted(request), initial=initial_for(current, form_class)),
        title=title,
        service=lambda data: update(case=case, fields=data, actor=actor),
        message=f"{title} was saved.",
        section=review.replace("_", "-"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def rapid_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_form(
        request,
        pk,
        review="rapid_review",
        form_class=RapidReviewForm,
        title="The rapid review",
        update=services.rapid_review_update,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def rapid_review_decision(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="record the rapid review decision")
    current = related(case, "rapid_review")
    if current is None:
        raise Http404("No such page")
    initial = {
        "decision": current.decision,
        "reasons": current.decision_reasons,
        "decided_on": current.decided_on,
    }
    return case_form(
        request,
        case,
        RapidReviewDecisionForm(posted(request), initial=initial),
        title="The rapid review's decision",
        service=lambda data: services.rapid_review_decide(case=case, actor=actor, **data),
        message="The decision was recorded.",
        section="rapid-review",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def practice_review_start(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="start the practice review")
    return case_form(
        request,
        case,
        PracticeReviewStartForm(posted(request)),
        title="Start a local practice review",
        service=lambda data: services.practice_review_start(case=case, actor=actor, **data),
        message="The practice review has started.",
        section="practice-review",
        button="Start the review",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def practice_review(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_form(
        request,
        pk,
        review="practice_review",
        form_class=PracticeReviewForm,
        title="The local practice review",
        update=services.practice_review_update,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = member_case(request, pk, purpose="close the case")
    require_role(actor, case.workspace, MembershipRole.LEAD)
    return case_form(
        request,
        case,
        CloseCaseForm(posted(request)),
        title="Close the case",
        intro=(
            "No one can be given access once it closes, and nothing more can be recorded. "
            "The case file stays under the inquiry hold."
        ),
        service=lambda data: services.case_close(case=case, actor=actor, **data),
        message="The case was closed.",
        button="Close the case",
    )


FIGURES_ROLES = (Role.REVIEW_OFFICER, Role.PARTNERSHIP_ADMINISTRATOR)
YEARS_OFFERED = 4


def _year(request: HttpRequest, today: Any) -> int:
    latest = reporting_year(today)
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdecimal() else latest
    if not latest - YEARS_OFFERED < year <= latest:
        raise Http404("No such page")
    return year


@require_safe
def figures(request: HttpRequest) -> HttpResponse:
    actor = staff_user_with_role(request, *FIGURES_ROLES)
    today = timezone.localdate()
    year = _year(request, today)
    audit_read(actor=actor, what="casereviews.figures", purpose="the yearly report")
    latest = reporting_year(today)
    return render(
        request,
        "casereviews/staff/figures.html",
        {
            "year": year,
            "report": year_figures(year, today=today),
            "years": [latest - n for n in range(YEARS_OFFERED)],
        },
    )


@require_safe
def figures_download(request: HttpRequest) -> HttpResponse:
    actor = staff_user_with_role(request, *FIGURES_ROLES)
    today = timezone.localdate()
    year = _year(request, today)
    audit_read(actor=actor, what="casereviews.figures", purpose="the yearly report (CSV)")
    response = HttpResponse(
        figures_csv(year_figures(year, today=today)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="case-review-figures-{year}.csv"'
    return response
