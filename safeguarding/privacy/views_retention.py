"""Retention pages for the data protection lead; partnership administrators may look."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.accounts.selectors import staff_user_with_role, user_has_role
from safeguarding.core.forms import posted
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.privacy.retention import retention_forecast
from safeguarding.privacy.retention_forms import (
    HoldReleaseForm,
    LegalHoldForm,
    RetentionPeriodForm,
)
from safeguarding.privacy.retention_selectors import (
    active_legal_holds,
    holdable_record_types,
    last_sweep_at,
    recent_receipts,
    released_legal_holds,
    retention_rule,
    retention_rule_rows,
)
from safeguarding.privacy.retention_services import (
    legal_hold_place,
    legal_hold_release,
    retention_period_change,
)

FORECAST_DAYS = 30


def _viewer(request: HttpRequest) -> User:
    return staff_user_with_role(request, *DATA_PROTECTION_ROLES)


def _data_protection_lead(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.DATA_PROTECTION_LEAD)


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    return render(
        request,
        "privacy/retention/overview.html",
        {
            "rows": retention_rule_rows(),
            "forecast": retention_forecast(days=FORECAST_DAYS),
            "forecast_days": FORECAST_DAYS,
            "receipts": recent_receipts(),
            "last_sweep": last_sweep_at(),
            "can_change": user_has_role(user, Role.DATA_PROTECTION_LEAD),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def rule_change(request: HttpRequest, key: str) -> HttpResponse:
    actor = _data_protection_lead(request)
    row = retention_rule(key)
    if row is None:
        raise Http404("No such retention rule")
    form = RetentionPeriodForm(posted(request), initial={"days": row.days})
    if request.method == "POST" and form.is_valid():
        try:
            retention_period_change(
                rule_key=key,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                actor=actor,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"The period for {key} is now {form.cleaned_data['days']} days."
            )
            return redirect("retention:overview")
    return render(request, "privacy/retention/rule_change.html", {"form": form, "row": row})


@require_safe
def holds(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    return render(
        request,
        "privacy/retention/holds.html",
        {
            "active": active_legal_holds(),
            "released": released_legal_holds(),
            "can_change": user_has_role(user, Role.DATA_PROTECTION_LEAD),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hold_place(request: HttpRequest) -> HttpResponse:
    actor = _data_protection_lead(request)
    form = LegalHoldForm(posted(request), record_types=holdable_record_types())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            legal_hold_place(
                model_label=data["record_type"],
                record_id=data["record_id"],
                scope_label=data["scope_label"],
                reason=data["reason"],
                authority=data["authority"],
                review_date=data["review_date"],
                actor=actor,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The hold is in place: the record will not be disposed of.")
            return redirect("retention:holds")
    return render(request, "privacy/retention/hold_place.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _data_protection_lead(request)
    hold = get_object_or_404(LegalHold.objects.active().select_related("content_type"), pk=pk)
    form = HoldReleaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            legal_hold_release(hold=hold, reason=form.cleaned_data["reason"], actor=actor)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The hold is released.")
            return redirect("retention:holds")
    return render(request, "privacy/retention/hold_release.html", {"form": form, "hold": hold})
