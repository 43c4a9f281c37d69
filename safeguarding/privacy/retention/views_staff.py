"""Retention pages for the data protection lead; partnership administrators may look, and
either may approve or reject a shorter period, or the release of a legal hold, that someone
else asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import DATA_PROTECTION_ROLES, Role
from safeguarding.accounts.selectors import staff_user_with_role, user_has_role
from safeguarding.core.form_views import form_page
from safeguarding.core.forms import posted
from safeguarding.inventory.retention_rules import period_in_words
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.privacy.models.two_person import TwoPersonChange
from safeguarding.privacy.people.records import records_in_words
from safeguarding.privacy.retention.engine import hold_release_effect, retention_forecast
from safeguarding.privacy.retention.forms import (
    HoldReleaseForm,
    MatterHoldForm,
    MatterReleaseForm,
    ProposalRejectForm,
    RetentionPeriodForm,
)
from safeguarding.privacy.retention.selectors import (
    active_legal_holds,
    decided_proposals,
    holds_by_matter,
    last_sweep_at,
    matter_holds,
    matter_named_by,
    pending_proposal,
    pending_proposal_count,
    pending_proposal_row,
    pending_proposal_rows,
    pending_release,
    pending_release_count,
    pending_release_row,
    pending_release_rows,
    recent_receipts,
    released_legal_holds,
    retention_rule,
    retention_rule_rows,
    rule_in_words,
)
from safeguarding.privacy.retention.services import (
    held_message,
    legal_hold_matter_release_approve,
    legal_hold_matter_release_reject,
    legal_hold_matter_release_request,
    legal_hold_release_approve,
    legal_hold_release_reject,
    legal_hold_release_request,
    legal_hold_release_withdraw,
    legal_holds_place,
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
            "waiting": pending_proposal_count(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def rule_change(request: HttpRequest, key: str) -> HttpResponse:
    actor = _data_protection_lead(request)
    row = retention_rule(key)
    if row is None:
        raise Http404("No such retention rule")
    form = RetentionPeriodForm(
        posted(request), initial={"days": row.days}, minimum_days=row.minimum_days
    )

    def change(data: dict[str, Any]) -> tuple[int, bool]:
        """Shorter periods wait for a second person; returns the days and whether they do."""
        days = data["days"]
        shorter = retention_period_needs_approval(rule_key=key, days=days)
        service = retention_period_propose if shorter else retention_period_change
        service(rule_key=key, days=days, reason=data["reason"], actor=actor)
        return days, shorter

    def said(outcome: tuple[int, bool]) -> str:
        days, shorter = outcome
        if shorter:
            return (
                f"A second data protection lead or administrator must approve the change to "
                f"{days} days. Until then, the period for {row.name} stays "
                f"{period_in_words(row.days)}."
            )
        return f"The period for {row.name} is now {days} days."

    return form_page(
        request,
        form,
        template="privacy/retention/rule_change.html",
        context={"row": row},
        service=change,
        message=said,
        success_url=lambda outcome: reverse(
            "retention:proposals" if outcome[1] else "retention:overview"
        ),
    )


@require_safe
def proposals(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    return render(
        request,
        "privacy/retention/proposals.html",
        {"rows": pending_proposal_rows(), "decided": decided_proposals(), "user": user},
    )


C = TypeVar("C", bound=TwoPersonChange)


def _found(change: C | None) -> C:
    if change is None:
        raise Http404("No such change waiting for approval")
    return change


def _act(
    request: HttpRequest,
    change: TwoPersonChange,
    *,
    actor: User,
    act: Callable[..., object],
    done: str,
    back: str,
) -> HttpResponse:
    """Approve or withdraw: back to the list, with what happened or why it was refused."""
    try:
        act(change, actor)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)


def _reject(
    request: HttpRequest,
    change: TwoPersonChange,
    *,
    reject: Callable[..., object],
    done: str,
    back: str,
    template: str,
    context: dict[str, object],
    what: str = "change",
) -> HttpResponse:
    """Reject with a reason: a form, then back to the list."""
    actor = _viewer(request)
    return form_page(
        request,
        ProposalRejectForm(posted(request), what=what),
        template=template,
        context=context,
        service=lambda data: reject(change, reason=data["reason"], actor=actor),
        message=done,
        success_url=reverse(back),
    )


@require_POST
def proposal_approve(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _found(pending_proposal(pk))
    return _act(
        request,
        proposal,
        actor=_viewer(request),
        act=lambda proposal, actor: retention_proposal_approve(proposal=proposal, actor=actor),
        done=f"The period for {rule_in_words(proposal.rule_key)} is now {proposal.to_days} days.",
        back="retention:proposals",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def proposal_reject(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _found(pending_proposal(pk))
    return _reject(
        request,
        proposal,
        reject=lambda proposal, **kwargs: retention_proposal_reject(proposal=proposal, **kwargs),
        done=f"The change is rejected: the period stays {period_in_words(proposal.from_days)}.",
        back="retention:proposals",
        template="privacy/retention/proposal_reject.html",
        context={"row": pending_proposal_row(proposal)},
    )


@require_POST
def proposal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _found(pending_proposal(pk))
    return _act(
        request,
        proposal,
        actor=_data_protection_lead(request),
        act=lambda proposal, actor: retention_proposal_withdraw(proposal=proposal, actor=actor),
        done=f"You withdrew the change: the period stays {period_in_words(proposal.from_days)}.",
        back="retention:proposals",
    )


@require_safe
def holds(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    active = list(active_legal_holds())
    released = list(released_legal_holds())
    in_words = records_in_words(active + released)
    for hold in active + released:
        hold.what = in_words[hold.pk]  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "privacy/retention/holds.html",
        {
            "matters": holds_by_matter(active),
            "released": released,
            "can_change": user_has_role(user, Role.DATA_PROTECTION_LEAD),
            "waiting": pending_release_count(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hold_place(request: HttpRequest) -> HttpResponse:
    """Holds for a matter: every record about each person named, by their address."""
    actor = _data_protection_lead(request)
    return form_page(
        request,
        MatterHoldForm(posted(request)),
        template="privacy/retention/hold_place.html",
        service=lambda data: legal_holds_place(
            subjects=[SubjectKey.for_email(address) for address in data["people"]],
            matter=data["matter"],
            reason=data["reason"],
            authority=data["authority"],
            review_date=data["review_date"],
            actor=actor,
            placed_from="matter",
        ),
        message=held_message,
        success_url=reverse("retention:holds"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a hold to be released; a second person approves it on the releases page."""
    actor = _data_protection_lead(request)
    hold = get_object_or_404(LegalHold.objects.active().select_related("content_type"), pk=pk)
    return form_page(
        request,
        HoldReleaseForm(posted(request)),
        template="privacy/retention/hold_release.html",
        context={
            "hold": hold,
            "what": records_in_words([hold])[hold.pk],
            "effect": hold_release_effect(hold),
        },
        service=lambda data: legal_hold_release_request(
            hold=hold, reason=data["reason"], actor=actor
        ),
        message="A second data protection lead or administrator must approve the release. "
        "Until then, the hold stays in place and the record is not disposed of.",
        success_url=reverse("retention:releases"),
    )


def _matter(key: str) -> str:
    name = matter_named_by(key)
    if name is None:
        raise Http404("No such matter")
    return name


@require_safe
def matter(request: HttpRequest, key: str) -> HttpResponse:
    """Every hold placed for one matter, the releases waiting for them, and those released."""
    user = _viewer(request)
    held = matter_holds(_matter(key))
    in_words = records_in_words(held.active + held.released)
    for hold in held.active + held.released:
        hold.what = in_words[hold.pk]  # type: ignore[attr-defined]  # for the template
    return render(
        request,
        "privacy/retention/matter.html",
        {
            "matter": held,
            "can_change": user_has_role(user, Role.DATA_PROTECTION_LEAD),
            "asked_by_me": held.asked_by(user.pk),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def matter_release(request: HttpRequest, key: str) -> HttpResponse:
    """Ask for every hold for a matter to be released; a second person approves them."""
    actor = _data_protection_lead(request)
    held = matter_holds(_matter(key))
    if not held.may_ask_to_release:
        raise Http404("Nothing to release for this matter")
    effects = [hold_release_effect(hold) for hold in held.active if not hold.release_waiting]  # type: ignore[attr-defined]
    return form_page(
        request,
        MatterReleaseForm(posted(request)),
        template="privacy/retention/matter_release.html",
        context={
            "matter": held,
            "asking": len(effects),
            "disposed": sum(effect.disposed_at_next_sweep for effect in effects),
        },
        service=lambda data: legal_hold_matter_release_request(
            matter=held.name, reason=data["reason"], actor=actor
        ),
        message=lambda asked: (
            f"You asked for {len(asked)} hold{pluralize(len(asked))} to be "
            "released. A second data protection lead or administrator must approve. Until then, "
            "every hold stays in place."
        ),
        success_url=reverse("retention:matter", args=[key]),
    )


def _shown_releases(request: HttpRequest) -> list[int]:
    """The releases the page showed (and so the person deciding saw), from its form."""
    return [int(pk) for pk in request.POST.getlist("release") if pk.isdecimal() and len(pk) < 12]


@require_POST
def matter_approve(request: HttpRequest, key: str) -> HttpResponse:
    """Approve, together, exactly the releases waiting for the matter that the page showed."""
    actor = _viewer(request)
    name = _matter(key)
    shown = _shown_releases(request)
    try:
        released = legal_hold_matter_release_approve(matter=name, releases=shown, actor=actor)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            f"{len(released)} hold{pluralize(len(released))} released: each record's retention "
            "period applies again from the next sweep.",
        )
    return redirect("retention:matter", key=key)


@require_http_methods(["GET", "HEAD", "POST"])
def matter_reject(request: HttpRequest, key: str) -> HttpResponse:
    """Reject, together and for one reason, exactly the releases waiting for the matter that
    the page showed; every hold stays in place."""
    actor = _viewer(request)
    held = matter_holds(_matter(key))
    if not held.waiting:
        raise Http404("No release is waiting for this matter")
    form = ProposalRejectForm(posted(request), what="releases")
    form.fields["reason"].label = "Why are you rejecting these releases?"
    return form_page(
        request,
        form,
        template="privacy/retention/matter_reject.html",
        context={"matter": held},
        service=lambda data: legal_hold_matter_release_reject(
            matter=held.name, releases=_shown_releases(request), reason=data["reason"], actor=actor
        ),
        message=lambda rejected: (
            f"{len(rejected)} release{pluralize(len(rejected))} rejected: "
            "every hold stays in place."
        ),
        success_url=reverse("retention:matter", args=[key]),
    )


@require_safe
def releases(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    return render(
        request,
        "privacy/retention/releases.html",
        {"rows": pending_release_rows(), "user": user},
    )


@require_POST
def release_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        _found(pending_release(pk)),
        actor=_viewer(request),
        act=lambda release, actor: legal_hold_release_approve(release=release, actor=actor),
        done="The hold is released: the record's retention period applies again from the "
        "next sweep.",
        back="retention:releases",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def release_reject(request: HttpRequest, pk: int) -> HttpResponse:
    release = _found(pending_release(pk))
    return _reject(
        request,
        release,
        reject=lambda release, **kwargs: legal_hold_release_reject(release=release, **kwargs),
        done="The release is rejected: the hold stays in place.",
        back="retention:releases",
        template="privacy/retention/release_reject.html",
        context={"row": pending_release_row(release)},
        what="release",
    )


@require_POST
def release_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        _found(pending_release(pk)),
        actor=_data_protection_lead(request),
        act=lambda release, actor: legal_hold_release_withdraw(release=release, actor=actor),
        done="You withdrew the release: the hold stays in place.",
        back="retention:releases",
    )
