"""Rights requests: the staff queue and a request's page (the public pages are in
views_public.py).

The data protection lead handles requests; partnership administrators may look at the queue
and at a request, but change nothing and download nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.accounts.selectors import staff_user, staff_user_with_role, user_has_role
from safeguarding.audit.services import audit_read
from safeguarding.core.form_views import form_page
from safeguarding.core.forms import posted
from safeguarding.privacy.models.rights import RequestKind, RequestStatus, RightsRequest
from safeguarding.privacy.models.rights_outcomes import ExportDelivery
from safeguarding.privacy.rights.delivery import delivers_export, export_delivery_cancel
from safeguarding.privacy.rights.forms import (
    CancelLinkForm,
    CompleteForm,
    ExtendForm,
    LogRequestForm,
    NewLinkForm,
    PauseForm,
    RefuseForm,
    ResumeForm,
    WithdrawForm,
)
from safeguarding.privacy.rights.pointing import pointed_item
from safeguarding.privacy.rights.selectors import (
    DEFAULT_TAB,
    QUEUE_TABS,
    about_a_staff_account,
    may_handle,
    request_deliveries,
    request_pauses,
    rights_queue,
    rights_queue_counts,
    rights_request_answer,
    rights_request_for_staff,
    running_pause,
)
from safeguarding.privacy.rights.services import (
    export_delivery_resend,
    rights_request_complete,
    rights_request_export,
    rights_request_extend,
    rights_request_log,
    rights_request_pause,
    rights_request_refuse,
    rights_request_resume,
    rights_request_withdraw,
)

PAGE_SIZE = 25

# --- Staff pages -----------------------------------------------------------------------------


def _viewer(request: HttpRequest) -> User:
    return staff_user_with_role(request, *DATA_PROTECTION_ROLES)


def _data_protection_lead(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.DATA_PROTECTION_LEAD)


@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    tab = request.GET.get("show", DEFAULT_TAB)
    requests = rights_queue(tab)
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = rights_queue_counts()
    return render(
        request,
        "privacy/rights/queue.html",
        {
            "tabs": [(item, counts[item.key]) for item in QUEUE_TABS],
            "tab": tab,
            "tab_label": next(item.label for item in QUEUE_TABS if item.key == tab),
            "page": page,
            "can_change": user_has_role(user, Role.DATA_PROTECTION_LEAD),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def log_request(request: HttpRequest) -> HttpResponse:
    actor = _data_protection_lead(request)
    return form_page(
        request,
        LogRequestForm(posted(request)),
        template="privacy/rights/log.html",
        service=lambda data: rights_request_log(actor=actor, **data),
        message=lambda logged: f"Request {logged.reference} is logged and the clock started.",
        success_url=lambda logged: reverse("rights:detail", args=[logged.pk]),
    )


def _handler_and_request(
    request: HttpRequest, pk: int, roles: tuple[Role, ...]
) -> tuple[User, RightsRequest]:
    actor = staff_user(request)
    rights_request = rights_request_for_staff(pk)
    if not may_handle(actor, rights_request, roles):
        raise PermissionDenied
    return actor, rights_request


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    rights_request = rights_request_for_staff(pk)
    audit_read(
        actor=user,
        what="privacy.rights_request",
        purpose="handling the request",
        target=rights_request,
    )
    about_staff = about_a_staff_account(rights_request)
    answer = rights_request_answer(rights_request)
    for item in answer["withheld"]:
        item.pointed = pointed_item(item)  # for the template
    return render(
        request,
        "privacy/rights/detail.html",
        {
            "rights_request": rights_request,
            "pauses": request_pauses(rights_request),
            "running_pause": running_pause(rights_request),
            "about_staff": about_staff,
            "can_change": may_handle(
                user, rights_request, (Role.DATA_PROTECTION_LEAD,), about_staff=about_staff
            ),
            "can_export": rights_request.kind == RequestKind.ACCESS
            and bool(rights_request.person.email),
            "deliveries": request_deliveries(rights_request),
            "can_send_link": rights_request.status == RequestStatus.COMPLETED
            and delivers_export(rights_request),
            **answer,
        },
    )


def _action(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    service: Callable[..., Any],
    title: str,
    button: str,
    done: str,
    warning: str = "",
    roles: tuple[Role, ...] = (Role.DATA_PROTECTION_LEAD,),
    form_kwargs: Callable[[RightsRequest], dict[str, Any]] | None = None,
    context: Callable[[RightsRequest], dict[str, Any]] | None = None,
) -> HttpResponse:
    """One staff action on a request: a form, a service call, and back to the request.

    ``roles`` may act (the data protection lead by default; on a request about a member of
    staff's own account, another administrator: ``may_handle``); ``form_kwargs`` gives the
    form what it needs from the request (its choices, say)."""
    actor, rights_request = _handler_and_request(request, pk, roles)
    form = form_class(
        request.POST if request.method == "POST" else None,
        **(form_kwargs(rights_request) if form_kwargs else {}),
    )
    return form_page(
        request,
        form,
        template="privacy/rights/action.html",
        context={
            "rights_request": rights_request,
            "title": title,
            "button": button,
            "warning": warning,
            **(context(rights_request) if context else {}),
        },
        service=lambda data: service(request=rights_request, actor=actor, **data),
        message=done.format(reference=rights_request.reference),
        success_url=reverse("rights:detail", args=[rights_request.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=PauseForm,
        service=rights_request_pause,
        title="Pause the clock",
        button="Pause the clock",
        done="The clock for {reference} is paused.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=ResumeForm,
        service=rights_request_resume,
        title="Restart the clock",
        button="Restart the clock",
        done="The clock for {reference} has restarted; the days paused are added on.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=ExtendForm,
        service=rights_request_extend,
        title="Extend the deadline",
        button="Extend and tell the requester",
        done="The deadline for {reference} is extended.",
        warning=(
            "A deadline can be extended once, by up to two months, and only if the requester "
            "is told why within the first month. If we have their email address, they are "
            "emailed the reason now."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=CompleteForm,
        service=rights_request_complete,
        title="Complete the request",
        button="Complete the request",
        done="Request {reference} is completed.",
        warning=(
            "The requester is emailed that the request is answered. For an access request, "
            f"the email holds a link to download their data: it asks for their email address "
            f"again, and works for {settings.ACCESS_EXPORT_LINK_DAYS} days and "
            f"{settings.ACCESS_EXPORT_DOWNLOADS} downloads."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=RefuseForm,
        service=rights_request_refuse,
        title="Refuse the request",
        button="Refuse the request",
        done="Request {reference} is refused.",
        warning="Tell the requester why, and that they can complain to the ICO.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=WithdrawForm,
        service=rights_request_withdraw,
        title="Record that the request was withdrawn",
        button="Record the withdrawal",
        done="Request {reference} is withdrawn.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def new_link(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=NewLinkForm,
        service=export_delivery_resend,
        title="Send a new download link",
        button="Send a new link",
        done="A new link to download the export is emailed to the requester. Any link sent "
        "before no longer works.",
        warning=(
            f"The new link works for {settings.ACCESS_EXPORT_LINK_DAYS} days and "
            f"{settings.ACCESS_EXPORT_DOWNLOADS} downloads, and asks for the requester's email "
            "address again."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def cancel_link(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    def link(rights_request: RightsRequest) -> ExportDelivery:
        return get_object_or_404(ExportDelivery, pk=link_pk, request=rights_request)

    return _action(
        request,
        pk,
        form_class=CancelLinkForm,
        service=lambda request, actor, reason: export_delivery_cancel(
            delivery=link(request), reason=reason, actor=actor
        ),
        title="Cancel a download link",
        button="Cancel the link",
        done="The link is cancelled: it no longer works.",
        context=lambda rights_request: {"link": link(rights_request)},
    )


@require_safe
def export(request: HttpRequest, pk: int) -> HttpResponse:
    actor, rights_request = _handler_and_request(request, pk, (Role.DATA_PROTECTION_LEAD,))
    try:
        bundle = rights_request_export(request=rights_request, actor=actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("rights:detail", pk=rights_request.pk)
    response = HttpResponse(bundle, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{rights_request.reference}.zip"'
    response["Cache-Control"] = "no-store"
    return response
