"""Staff actions that answer a request: withholding items from an access export (and a
second person's sign-off), preparing an erasure (and a second person's approval, which carries
it out), correcting a field, restricting
processing and deciding an objection. Each is a form on its own page, reached from the
request's page, and a service call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.audit.services import audit_read
from safeguarding.core.forms import posted
from safeguarding.privacy.models.rights import RightsRequest
from safeguarding.privacy.models.rights_outcomes import PreparedErasure, WithheldItem
from safeguarding.privacy.retention.forms import ProposalRejectForm
from safeguarding.privacy.rights.actions import (
    correctable_fields,
    objection_decide,
    restriction_lift,
    restriction_place,
    rights_request_rectify,
    subject_records,
)
from safeguarding.privacy.rights.erasure import (
    erasure_preview,
    rights_request_erasure_approve,
    rights_request_erasure_prepare,
    rights_request_erasure_reject,
    rights_request_erasure_withdraw,
)
from safeguarding.privacy.rights.forms_actions import (
    ConfirmForm,
    LiftRestrictionForm,
    ObjectionForm,
    PrepareErasureForm,
    RectifyForm,
    RestrictForm,
    WithholdForm,
)
from safeguarding.privacy.rights.selectors import may_handle, waiting_erasure
from safeguarding.privacy.rights.views_staff import _action, _handler_and_request
from safeguarding.privacy.rights.withholding import (
    withheld_item_drop,
    withheld_item_propose,
    withheld_item_sign_off,
)


def _records(rights_request: RightsRequest) -> dict[str, Any]:
    return {"records": subject_records(rights_request)}


def _records_and_fields(rights_request: RightsRequest) -> dict[str, Any]:
    return {**_records(rights_request), "fields": correctable_fields(rights_request)}


def _item(rights_request: RightsRequest, item_pk: int) -> WithheldItem:
    item = rights_request.withheld_items.filter(pk=item_pk).first()
    if item is None:
        raise Http404("No such item")
    return item


@require_http_methods(["GET", "HEAD", "POST"])
def withhold(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=WithholdForm,
        form_kwargs=_records,
        service=withheld_item_propose,
        title="Withhold an item from the export",
        button="Propose withholding it",
        done="The item is listed. A second person must sign it off before {reference}'s "
        "export can be released.",
        warning="Withhold only what an exemption covers. The requester is told what was "
        "withheld and under which exemption, but not what it says.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def sign_off(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    def service(*, request: RightsRequest, actor: User) -> WithheldItem:
        return withheld_item_sign_off(item=_item(request, item_pk), actor=actor)

    return _action(
        request,
        pk,
        form_class=ConfirmForm,
        roles=DATA_PROTECTION_ROLES,
        service=service,
        title="Sign off a withheld item",
        button="I agree the exemption applies",
        done="The item withheld from {reference} is signed off.",
        warning="Sign off only if you agree the exemption applies. You cannot sign off an "
        "item you proposed yourself.",
        context=lambda rights_request: {"item": _item(rights_request, item_pk)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def drop(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    def service(*, request: RightsRequest, actor: User) -> None:
        withheld_item_drop(item=_item(request, item_pk), actor=actor)

    return _action(
        request,
        pk,
        form_class=ConfirmForm,
        service=service,
        title="Release a withheld item",
        button="Release it in the export",
        done="The item is no longer withheld from {reference}.",
        context=lambda rights_request: {"item": _item(rights_request, item_pk)},
    )


def _erasure_page(
    request: HttpRequest, pk: int, roles: tuple[Role, ...]
) -> tuple[User, RightsRequest, PreparedErasure | None]:
    """Who is asking (one of ``roles``, or for a request about a member of staff's own
    account another administrator: ``may_handle``), the request, and the erasure waiting."""
    actor, rights_request = _handler_and_request(request, pk, roles)
    return actor, rights_request, waiting_erasure(rights_request)


@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    """What an erasure would remove and keep, and why. The lead prepares it here; a second
    data protection lead or administrator approves or rejects it here."""
    actor, rights_request, waiting = _erasure_page(request, pk, DATA_PROTECTION_ROLES)
    may_prepare = may_handle(actor, rights_request, (Role.DATA_PROTECTION_LEAD,))
    form = PrepareErasureForm(posted(request))
    if request.method == "POST":
        if not may_prepare:
            raise PermissionDenied
        if form.is_valid():
            try:
                rights_request_erasure_prepare(
                    request=rights_request, actor=actor, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"The erasure for {rights_request.reference} is prepared. A second data "
                    "protection lead or administrator must approve it; nothing is erased "
                    "until then.",
                )
                return redirect("rights:detail", pk=rights_request.pk)
    audit_read(
        actor=actor,
        what="privacy.rights_request",
        purpose="preparing or approving an erasure",
        target=rights_request,
    )
    findable = not rights_request.subject_unfindable()
    return render(
        request,
        "privacy/rights/erase.html",
        {
            "rights_request": rights_request,
            "form": form,
            "waiting": waiting,
            "preview": erasure_preview(rights_request.subject_key()) if findable else [],
            "may_prepare": may_prepare and waiting is None and rights_request.is_running,
            "user": actor,
        },
    )


def _waiting_or_404(waiting: PreparedErasure | None) -> PreparedErasure:
    if waiting is None:
        raise Http404("No erasure waiting for approval")
    return waiting


def _back_to_request(
    request: HttpRequest, rights_request: RightsRequest, act: Callable[[], object], done: str
) -> HttpResponse:
    try:
        act()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done.format(reference=rights_request.reference))
    return redirect("rights:detail", pk=rights_request.pk)


@require_POST
def erasure_approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor, rights_request, waiting = _erasure_page(request, pk, DATA_PROTECTION_ROLES)
    prepared = _waiting_or_404(waiting)
    return _back_to_request(
        request,
        rights_request,
        lambda: rights_request_erasure_approve(prepared=prepared, actor=actor),
        "The erasure for {reference} is carried out and the requester is sent the report.",
    )


@require_POST
def erasure_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor, rights_request, waiting = _erasure_page(request, pk, (Role.DATA_PROTECTION_LEAD,))
    prepared = _waiting_or_404(waiting)
    return _back_to_request(
        request,
        rights_request,
        lambda: rights_request_erasure_withdraw(prepared=prepared, actor=actor),
        "You withdrew the erasure for {reference}: nothing was erased.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def erasure_reject(request: HttpRequest, pk: int) -> HttpResponse:
    def service(*, request: RightsRequest, actor: User, reason: str) -> None:
        prepared = _waiting_or_404(waiting_erasure(request))
        rights_request_erasure_reject(prepared=prepared, reason=reason, actor=actor)

    return _action(
        request,
        pk,
        form_class=ProposalRejectForm,
        form_kwargs=lambda rights_request: {"what": "erasure"},
        roles=DATA_PROTECTION_ROLES,
        service=service,
        title="Reject the erasure",
        button="Reject the erasure",
        done="The erasure for {reference} is rejected: nothing was erased.",
        warning="Nothing is erased if you reject it. The person who prepared it will see "
        "your reason.",
        context=lambda rights_request: {
            "prepared": _waiting_or_404(waiting_erasure(rights_request))
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def rectify(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=RectifyForm,
        form_kwargs=_records_and_fields,
        service=rights_request_rectify,
        title="Correct the requester's data",
        button="Make the correction",
        done="The correction for {reference} is made and recorded.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def restrict(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=RestrictForm,
        service=restriction_place,
        title="Restrict processing",
        button="Restrict processing",
        done="Processing of the data of {reference}'s requester is restricted.",
        warning="While a restriction is in force we only store the person's data.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def lift_restriction(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=LiftRestrictionForm,
        service=restriction_lift,
        title="Lift the restriction",
        button="Lift the restriction",
        done="The restriction for {reference}'s requester is lifted.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def objection(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=ObjectionForm,
        service=objection_decide,
        title="Decide the objection",
        button="Record the decision",
        done="The decision on {reference} is recorded.",
    )
