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
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.audit.services import audit_read
from safeguarding.core.form_views import form_page, form_status
from safeguarding.core.forms import posted
from safeguarding.privacy.models.rights import RightsRequest
from safeguarding.privacy.models.rights_outcomes import PreparedErasure, WithheldItem
from safeguarding.privacy.retention.forms import HoldDetailsForm, ProposalRejectForm
from safeguarding.privacy.retention.services import legal_holds_place
from safeguarding.privacy.rights.actions import (
    correctable_fields,
    objection_decide,
    restriction_lift,
    restriction_place,
    rights_request_rectify,
    subject_records,
)
from safeguarding.privacy.rights.erasure import (
    erasure_effects,
    erasure_preview,
    rights_request_erasure_approve,
    rights_request_erasure_prepare,
    rights_request_erasure_reject,
    rights_request_erasure_withdraw,
)
from safeguarding.privacy.rights.forms_actions import (
    ApproveErasureForm,
    ConfirmForm,
    LiftRestrictionForm,
    ObjectionForm,
    PrepareErasureForm,
    RectifyForm,
    RestrictForm,
    WithholdForm,
)
from safeguarding.privacy.rights.pointing import (
    export_preview,
    field_choices,
    pointed,
    pointed_item,
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


def _item_shown(rights_request: RightsRequest, item_pk: int) -> dict[str, Any]:
    """The item, and what it names in plain words with the value held, for the second
    person (who signs it off) and for the lead (who may release it)."""
    item = _item(rights_request, item_pk)
    return {"item": item, "pointed": pointed_item(item)}


@require_safe
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The export as it would go now, each record and field with a link to withhold it."""
    actor, rights_request = _handler_and_request(request, pk, (Role.DATA_PROTECTION_LEAD,))
    audit_read(
        actor=actor,
        what="privacy.rights_request",
        purpose="previewing the access export",
        target=rights_request,
    )
    return render(
        request,
        "privacy/rights/preview.html",
        {
            "rights_request": rights_request,
            "models": export_preview(rights_request),
            "unfindable": rights_request.subject_unfindable(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def withhold(request: HttpRequest, pk: int) -> HttpResponse:
    """Withhold what was pointed at in the preview (``?record=...&field=...``), or, with
    nothing pointed at, something the export does not hold."""
    actor, rights_request = _handler_and_request(request, pk, (Role.DATA_PROTECTION_LEAD,))
    source = request.POST if request.method == "POST" else request.GET
    ref = str(source.get("record", ""))
    field_name = str(source.get("field_name", source.get("field", "")))
    records = subject_records(rights_request)
    form = WithholdForm(
        posted(request),
        records=records,
        fields=field_choices(ref),
        initial={"record": ref, "field_name": field_name},
    )
    label, _, object_id = ref.partition(":")
    theirs = ref in dict(records)
    if theirs:
        audit_read(
            actor=actor,
            what="privacy.rights_request",
            purpose="choosing what to withhold from the access export",
            target=rights_request,
        )
    return form_page(
        request,
        form,
        template="privacy/rights/withhold.html",
        context={
            "rights_request": rights_request,
            "pointed": pointed(label, object_id, field_name) if theirs else None,
        },
        service=lambda data: withheld_item_propose(request=rights_request, actor=actor, **data),
        message=f"The item is listed. A second person must sign it off before "
        f"{rights_request.reference}'s export can be released.",
        success_url=reverse("rights:preview", args=[rights_request.pk]),
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
        context=lambda rights_request: _item_shown(rights_request, item_pk),
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
        context=lambda rights_request: _item_shown(rights_request, item_pk),
    )


def _hold_records(*, request: RightsRequest, actor: User, **details: Any) -> object:
    """Hold everything about the request's subject, and the request itself."""
    subjects = [] if request.subject_unfindable() else [request.subject_key()]
    return legal_holds_place(
        subjects=subjects, also=[request], actor=actor, placed_from="request", **details
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=HoldDetailsForm,
        service=_hold_records,
        title="Hold the records for this request",
        button="Hold the records",
        done="The records of {reference} are held: they will not be disposed of until the "
        "hold is released.",
        warning="Every record we hold about the person the request is about, and the request "
        "itself, will not be deleted or anonymised until the hold is released.",
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
    """What an erasure would remove and keep, record by record, and what that changes for
    someone else. The lead prepares it here; a second data protection lead or administrator
    approves or rejects it here. Each confirms they have checked it."""
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
    return _erase_page(
        request, actor, rights_request, waiting, form=form, approve_form=ApproveErasureForm()
    )


def _erase_page(
    request: HttpRequest,
    actor: User,
    rights_request: RightsRequest,
    waiting: PreparedErasure | None,
    *,
    form: PrepareErasureForm,
    approve_form: ApproveErasureForm,
) -> HttpResponse:
    audit_read(
        actor=actor,
        what="privacy.rights_request",
        purpose="preparing or approving an erasure",
        target=rights_request,
    )
    findable = not rights_request.subject_unfindable()
    preview = erasure_preview(rights_request.subject_key()) if findable else []
    may_prepare = may_handle(actor, rights_request, (Role.DATA_PROTECTION_LEAD,))
    return render(
        request,
        "privacy/rights/erase.html",
        {
            "rights_request": rights_request,
            "form": form,
            "approve_form": approve_form,
            "waiting": waiting,
            "preview": preview,
            "effects": erasure_effects(preview),
            "may_prepare": may_prepare and waiting is None and rights_request.is_running,
            "user": actor,
        },
        status=form_status(form, approve_form),
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
    confirmed = ApproveErasureForm(request.POST)
    if not confirmed.is_valid():
        return _erase_page(
            request,
            actor,
            rights_request,
            waiting,
            form=PrepareErasureForm(),
            approve_form=confirmed,
        )
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
