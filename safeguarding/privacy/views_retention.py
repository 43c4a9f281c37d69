"""Retention pages for the data protection lead; partnership administrators may look, and
either may approve or reject a shorter period that someone else proposed."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.accounts.selectors import staff_user_with_role, user_has_role
from safeguarding.core.forms import posted
from safeguarding.inventory.retention_rules import period_in_words
from safeguarding.privacy.models.retention import LegalHold, RetentionProposal
from safeguarding.privacy.retention import retention_forecast
from safeguarding.privacy.retention_forms import (
    HoldReleaseForm,
    LegalHoldForm,
    ProposalRejectForm,
    RetentionPeriodForm,
)
from safeguarding.privacy.retention_selectors import (
    active_legal_holds,
    decided_proposals,
    holdable_record_types,
    last_sweep_at,
    pending_proposal,
    pending_proposal_count,
    pending_proposal_row,
    pending_proposal_rows,
    recent_receipts,
    released_legal_holds,
    retention_rule,
    retention_rule_rows,
)
from safeguarding.privacy.retention_services import (
    legal_hold_place,
    legal_hold_release,
    retention_period_change,
    retention_period_needs_approval,
    retention_period_propose,
    retention_proposal_approve,
    retention_proposal_reject,
    retention_proposal_withdraw,
)

FORECAST_DAYS = 30


def _viewer(request: HttpRequest) -> User:
    return staff_user_with_role(request, *DATA_PROTECTION_ROLES)


def _data_protection_lead(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.DATA_PROTECTION_LEAD)


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
            "waiting": pending_proposal_count(),
        },
    )


def rule_change(request: HttpRequest, key: str) -> HttpResponse:
    actor = _data_protection_lead(request)
    row = retention_rule(key)
    if row is None:
        raise Http404("No such retention rule")
    form = RetentionPeriodForm(
        posted(request), initial={"days": row.days}, minimum_days=row.minimum_days
    )
    if request.method == "POST" and form.is_valid():
        days, reason = form.cleaned_data["days"], form.cleaned_data["reason"]
        shorter = retention_period_needs_approval(rule_key=key, days=days)
        change = retention_period_propose if shorter else retention_period_change
        try:
            change(rule_key=key, days=days, reason=reason, actor=actor)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if shorter:
                messages.success(
                    request,
                    f"A second data protection lead or administrator must approve the change "
                    f"to {days} days. Until then, the period for {key} stays "
                    f"{period_in_words(row.days)}.",
                )
                return redirect("retention:proposals")
            messages.success(request, f"The period for {key} is now {days} days.")
            return redirect("retention:overview")
    return render(request, "privacy/retention/rule_change.html", {"form": form, "row": row})


def proposals(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    return render(
        request,
        "privacy/retention/proposals.html",
        {"rows": pending_proposal_rows(), "decided": decided_proposals(), "user": user},
    )


def _pending_or_404(pk: int) -> RetentionProposal:
    proposal = pending_proposal(pk)
    if proposal is None:
        raise Http404("No such change waiting for approval")
    return proposal


def _act_on_proposal(
    request: HttpRequest,
    pk: int,
    *,
    actor: User,
    act: Callable[..., object],
    done: Callable[[RetentionProposal], str],
) -> HttpResponse:
    """Approve or withdraw: back to the list, with what happened or why it was refused."""
    proposal = _pending_or_404(pk)
    try:
        act(proposal=proposal, actor=actor)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done(proposal))
    return redirect("retention:proposals")


@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_proposal(
        request,
        pk,
        actor=_viewer(request),
        act=retention_proposal_approve,
        done=lambda proposal: f"The period for {proposal.rule_key} is now {proposal.to_days} days.",
    )


def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _viewer(request)
    proposal = _pending_or_404(pk)
    form = ProposalRejectForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            retention_proposal_reject(
                proposal=proposal, reason=form.cleaned_data["reason"], actor=actor
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"The change is rejected: the period stays {period_in_words(proposal.from_days)}.",
            )
            return redirect("retention:proposals")
    return render(
        request,
        "privacy/retention/proposal_reject.html",
        {"form": form, "row": pending_proposal_row(proposal)},
    )


@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_on_proposal(
        request,
        pk,
        actor=_data_protection_lead(request),
        act=retention_proposal_withdraw,
        done=lambda proposal: (
            f"You withdrew the change: the period stays {period_in_words(proposal.from_days)}."
        ),
    )


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
