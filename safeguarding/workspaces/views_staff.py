"""The pages every kind of workspace shares: who has access (and giving, ending and confirming
it), documents, information-sharing decisions, and, for leads, who has seen the workspace.

Each starts with ``pages.workspace_view``: members only (404 for everyone else), the read
logged, never cached. The app that owns the workspace's kind links here and is linked back to
(``kinds.register_kind(..., home_url=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.audit.actions import describe
from safeguarding.core.form_views import form_page
from safeguarding.core.forms import posted
from safeguarding.workspaces import documents, selectors
from safeguarding.workspaces.forms import DocumentUploadForm
from safeguarding.workspaces.forms_staff import GrantForm, RemoveForm, SharingDecisionPageForm
from safeguarding.workspaces.kinds import sharing_events_of
from safeguarding.workspaces.models import Membership, MembershipRole, ReadLog, Workspace
from safeguarding.workspaces.pages import WorkspacePage, workspace_view
from safeguarding.workspaces.services import (
    membership_confirm,
    membership_grant,
    membership_revoke,
)
from safeguarding.workspaces.sharing import decisions_in, sharing_decision_record
from safeguarding.workspaces.sharing_events import SharingEvent

LEAD, MEMBER = MembershipRole.LEAD, MembershipRole.MEMBER
GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


def _url(name: str, page: WorkspacePage) -> str:
    return reverse(f"workspaces:{name}", args=[page.workspace.pk])


BACK_TO = {
    "members": "who has access",
    "documents": "documents",
    "sharing": "information-sharing decisions",
}


def _back(name: str, page: WorkspacePage) -> dict[str, str]:
    """Where a form page's back link and Cancel go."""
    return {"back_url": _url(name, page), "back_text": BACK_TO[name]}


def _last_day(moment: datetime | None) -> datetime | None:
    """The last day of access that ends at ``moment`` (which is the start of the next day)."""
    return None if moment is None else timezone.localtime(moment) - timedelta(microseconds=1)


@dataclass(frozen=True)
class MemberRow:
    membership: Membership
    last_day: datetime | None
    is_viewer: bool
    recertification: selectors.Recertification | None = None

    @property
    def is_due(self) -> bool:
        return self.recertification is not None and self.recertification.is_due()


def _member(page: WorkspacePage, membership_pk: int) -> Membership:
    """A live membership of this workspace, or 404."""
    membership = (
        selectors.members_of(page.workspace, user=page.viewer).filter(pk=membership_pk).first()
    )
    if membership is None:
        raise Http404(selectors.NOT_FOUND)
    return membership


# --- Members -----------------------------------------------------------------------------------


@require_safe
@workspace_view(purpose="see who has access")
def members(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    live = selectors.members_of(page.workspace, user=page.viewer).select_related("granted_by")
    rows = [
        MemberRow(
            m, _last_day(m.expires_at), m.user_id == page.viewer.pk, selectors.recertification(m)
        )
        for m in live.order_by("user__full_name", "user__email")
    ]
    ended = selectors.past_members_of(page.workspace, user=page.viewer)
    return render(
        request,
        "workspaces/members.html",
        page.context(
            rows=rows,
            ended=[MemberRow(m, _last_day(m.expires_at), False) for m in ended],
            recertify_days=settings.WORKSPACE_RECERTIFY_DAYS,
            grace_days=settings.WORKSPACE_RECERTIFY_GRACE_DAYS,
        ),
    )


@GET_OR_POST
@workspace_view(role=LEAD, purpose="give someone access")
def member_add(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    form = GrantForm(
        posted(request),
        candidates=selectors.grant_candidates(page.workspace, actor=page.viewer),
    )
    return form_page(
        request,
        form,
        template="workspaces/member_add.html",
        context=page.context(**_back("members", page)),
        service=lambda data: membership_grant(
            workspace=page.workspace,
            user=data["user"],
            role=MembershipRole(data["role"]),
            reason=data["reason"],
            expires_at=form.expires_at(),
            actor=page.viewer,
        ),
        message=lambda membership: f"{membership.user.full_name} now has access.",
        success_url=_url("members", page),
    )


@GET_OR_POST
@workspace_view(role=LEAD, purpose="end someone's access")
def member_remove(request: HttpRequest, page: WorkspacePage, membership_pk: int) -> HttpResponse:
    membership = _member(page, membership_pk)
    leaving = membership.user_id == page.viewer.pk
    return form_page(
        request,
        RemoveForm(posted(request)),
        template="workspaces/member_remove.html",
        context=page.context(membership=membership, leaving=leaving, **_back("members", page)),
        service=lambda data: membership_revoke(
            membership=membership, reason=data["reason"], actor=page.viewer
        ),
        message=(
            "Your access has ended."
            if leaving
            else f"{membership.user.full_name}'s access has ended."
        ),
        success_url=reverse("accounts:dashboard") if leaving else _url("members", page),
    )


@require_POST
@workspace_view(role=LEAD, purpose="confirm someone still needs access")
def member_confirm(request: HttpRequest, page: WorkspacePage, membership_pk: int) -> HttpResponse:
    """Recertification: the lead confirms, from the members page, that someone still needs
    access."""
    membership = _member(page, membership_pk)
    try:
        membership_confirm(membership=membership, actor=page.viewer)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(
            request, f"You have confirmed that {membership.user.full_name} still needs access."
        )
    return HttpResponseRedirect(_url("members", page))


# --- Documents ---------------------------------------------------------------------------------


@require_safe
@workspace_view(purpose="list the documents")
def document_list(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    found = list(
        documents.documents_in(page.workspace, user=page.viewer)
        .select_related("uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
    selectors.log_reads(page.viewer, found, purpose="list documents")
    return render(request, "workspaces/documents.html", page.context(documents=found))


@GET_OR_POST
@workspace_view(role=MEMBER, purpose="add a document")
def document_add(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    return form_page(
        request,
        DocumentUploadForm(posted(request), request.FILES if request.method == "POST" else None),
        template="workspaces/document_add.html",
        context=page.context(**_back("documents", page)),
        service=lambda data: documents.document_upload(
            workspace=page.workspace, title=data["title"], upload=data["file"], actor=page.viewer
        ),
        message="The document has been added.",
        success_url=_url("documents", page),
    )


@require_safe
@workspace_view(purpose="open a document")
def document_download(request: HttpRequest, page: WorkspacePage, document_pk: int) -> HttpResponse:
    """The file, as an attachment; the read is logged."""
    return documents.document_download(
        page.viewer, pk=document_pk, purpose="download", workspace=page.workspace
    )


# --- Information-sharing decisions ----------------------------------------------------------


@require_safe
@workspace_view(purpose="list the sharing decisions")
def sharing(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    decisions = list(decisions_in(page.workspace, user=page.viewer))
    selectors.log_reads(page.viewer, decisions, purpose="list sharing decisions")
    return render(request, "workspaces/sharing.html", page.context(decisions=decisions))


def _sharing_event(request: HttpRequest, page: WorkspacePage) -> SharingEvent | None:
    """The sharing event named by the "Record the decision" link (``?event=``), if any; 404
    when the workspace has no such event."""
    key = request.GET.get("event", "")
    if not key:
        return None
    for event in sharing_events_of(page.workspace):
        if event.key == key:
            return event
    raise Http404("This workspace has no such sharing to record a decision for.")


@GET_OR_POST
@workspace_view(role=MEMBER, purpose="record a sharing decision")
def sharing_new(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    event = _sharing_event(request, page)
    initial = (
        {
            "answers": event.key,
            "shared": "yes",
            "information": event.what,
            "recipient_organisation": event.organisation,
        }
        if event
        else {}
    )
    form = SharingDecisionPageForm(
        posted(request),
        authorisers=selectors.active_staff(excluding=page.viewer),
        decided_by=page.viewer,
        initial=initial,
    )
    return form_page(
        request,
        form,
        template="workspaces/sharing_new.html",
        context=page.context(event=event, **_back("sharing", page)),
        service=lambda data: sharing_decision_record(
            workspace=page.workspace, actor=page.viewer, **form.service_arguments()
        ),
        message="The decision has been recorded.",
        success_url=_url("sharing", page),
    )


# --- Who has seen this workspace (leads) -----------------------------------------------------


@dataclass(frozen=True)
class ReadLine:
    read: ReadLog
    what: str


def _what_was_read(target_type: str) -> str:
    if target_type == Workspace._meta.label_lower:
        return "The workspace"
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return "A record"
    return str(model._meta.verbose_name).capitalize()


@require_safe
@workspace_view(role=LEAD, purpose="see who has seen it")
def who_has_seen(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
    reads = [
        ReadLine(read, _what_was_read(read.target_type))
        for read in selectors.recent_reads(page.workspace)
    ]
    history = [
        (entry, describe(entry.action)) for entry in selectors.workspace_history(page.workspace)
    ]
    return render(
        request,
        "workspaces/who_has_seen.html",
        page.context(readers=selectors.readers_of(page.workspace), reads=reads, history=history),
    )
