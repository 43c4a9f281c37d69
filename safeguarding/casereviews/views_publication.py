"""Staff pages for publishing a review: the re-identification check of each draft, accepting
what may stay (a second person), publishing the report, or recording that it was not
published. Members of the case only (404 for everyone else); the lead publishes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.casereviews import publication, selectors
from safeguarding.casereviews.forms import (
    AcceptHitForm,
    DraftCheckForm,
    NotPublishedForm,
    PublishForm,
)
from safeguarding.casereviews.models import CaseReview, PracticeReview
from safeguarding.casereviews.views_staff import case_form, member_case, related, writer_case
from safeguarding.core.forms import posted
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.selectors import require_role


def _review(case: CaseReview) -> PracticeReview:
    review = related(case, "practice_review")
    if review is None:
        raise Http404("No such page")
    return review  # type: ignore[no-any-return]


def _files(request: HttpRequest) -> Any:
    return request.FILES if request.method == "POST" else None


def _page(case: CaseReview) -> str:
    return reverse("casereviews:staff_publication", args=[case.pk])


@require_safe
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = member_case(request, pk, purpose="prepare publication")
    review = _review(case)
    membership = require_role(user, case.workspace)
    check, hits = selectors.latest_check(user, case)
    return render(
        request,
        "casereviews/staff/publication.html",
        {
            "case": case,
            "review": review,
            "check": check,
            "hits": hits,
            "blockers": publication.publication_blockers(case),
            "may_change": membership.role in (MembershipRole.LEAD, MembershipRole.MEMBER),
            "is_lead": membership.role == MembershipRole.LEAD,
            "viewer": user,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def check_draft(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="check a draft report")
    _review(case)
    return _page_form(
        request,
        case,
        DraftCheckForm(posted(request), _files(request)),
        title="Check a draft for anything that could identify someone",
        intro=(
            "The check looks for every real name, date of birth, address, school, NHS number "
            "and exact date this case holds."
        ),
        service=lambda data: publication.publication_check_run(
            case=case, actor=actor, text=data["text"], upload=data["upload"]
        ),
        message="The draft was checked.",
        button="Check the draft",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def accept(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="accept a detail in the draft")
    hit = selectors.hit_for(actor, case, item)
    return _page_form(
        request,
        case,
        AcceptHitForm(posted(request)),
        title=f"Accept {hit.get_kind_display().lower()} at {hit.location}",
        intro=f"Found: “{hit.found}”. A second person, not whoever ran the check, accepts it.",
        service=lambda data: publication.hit_accept(hit=hit, actor=actor, **data),
        message="Accepted.",
        button="Accept",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="publish the report")
    require_role(actor, case.workspace, MembershipRole.LEAD)
    _review(case)
    return _page_form(
        request,
        case,
        PublishForm(posted(request), _files(request)),
        title="Publish the report",
        intro="It will be public on the partnership's website today, and kept permanently.",
        service=lambda data: publication.report_publish(case=case, actor=actor, **data),
        message="The report was published.",
        button="Publish the report",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def not_published(request: HttpRequest, pk: int) -> HttpResponse:
    actor, case = writer_case(request, pk, purpose="record that the report is not published")
    require_role(actor, case.workspace, MembershipRole.LEAD)
    _review(case)
    return _page_form(
        request,
        case,
        NotPublishedForm(posted(request)),
        title="The report is not being published",
        service=lambda data: publication.report_not_published(case=case, actor=actor, **data),
        message="Recorded.",
    )


def _page_form(
    request: HttpRequest, case: CaseReview, form: forms.Form, **options: Any
) -> HttpResponse:
    """A form of the publication pages: back to the publication page when it works."""
    return case_form(request, case, form, success_url=_page(case), **options)
