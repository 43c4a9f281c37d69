"""Staff actions that answer a request: withholding items from an access export (and a
second person's sign-off), carrying out an erasure, correcting a field, restricting
processing and deciding an objection. Each is a form on its own page, reached from the
request's page, and a service call."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES
from safeguarding.privacy.erasure import rights_request_erase
from safeguarding.privacy.forms_rights_actions import (
    ConfirmForm,
    LiftRestrictionForm,
    ObjectionForm,
    RectifyForm,
    RestrictForm,
    WithholdForm,
)
from safeguarding.privacy.models.rights import RightsRequest
from safeguarding.privacy.models.rights_outcomes import WithheldItem
from safeguarding.privacy.rights_actions import (
    correctable_fields,
    objection_decide,
    restriction_lift,
    restriction_place,
    rights_request_rectify,
    subject_records,
)
from safeguarding.privacy.views_rights import _action
from safeguarding.privacy.withheld_services import (
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


@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        form_class=ConfirmForm,
        service=rights_request_erase,
        title="Carry out the erasure",
        button="Erase what may go",
        done="The erasure for {reference} is carried out and the requester is sent the report.",
        warning="This deletes or anonymises every record found under the requester's email "
        "address that may go, and cannot be undone. Records under a legal hold, and records "
        "we must keep, are kept and the report says why.",
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
