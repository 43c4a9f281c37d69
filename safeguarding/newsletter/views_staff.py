"""Staff pages for communications officers: campaigns, sending, progress, imports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import staff_user_with_role
from safeguarding.core.form_views import form_page, form_status
from safeguarding.core.forms import posted
from safeguarding.newsletter import campaigns, selectors, sending, topics
from safeguarding.newsletter.forms import (
    CampaignForm,
    ImportForm,
    PaperConsentForm,
    ScheduleForm,
    TopicAddForm,
    TopicChangeForm,
    WordingForm,
)
from safeguarding.newsletter.imports import ImportFileError, import_subscribers
from safeguarding.newsletter.messages import render_campaign
from safeguarding.newsletter.models import Campaign, CampaignState, ConsentMethod, Topic
from safeguarding.newsletter.services import (
    consent_record_offline,
    consent_wording_change,
    current_wording,
)


def _officer(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.COMMUNICATIONS_OFFICER)


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign, pk=pk)


@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    _officer(request)
    recent = list(Campaign.objects.order_by("-created_at")[:50])
    progress = sending.campaigns_progress([campaign.pk for campaign in recent])
    rows = [(campaign, progress[campaign.pk]) for campaign in recent]
    return render(request, "newsletter/staff/campaigns.html", {"rows": rows})


@require_http_methods(["GET", "HEAD", "POST"])
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _officer(request)
    campaign = _campaign(pk) if pk is not None else None
    initial = {}
    if campaign is not None:
        if campaign.state not in campaigns.EDITABLE:
            return redirect("newsletter:campaign", pk=campaign.pk)
        initial = {
            "subject": campaign.subject,
            "body_markdown": campaign.body_markdown,
            "topics": list(campaign.topics.all()),
        }
    return form_page(
        request,
        CampaignForm(posted(request), initial=initial),
        template="newsletter/staff/edit.html",
        context={"campaign": campaign},
        # Refused with a ValidationError if it started sending meanwhile.
        service=lambda data: campaigns.campaign_save(actor=user, campaign_id=pk, **data),
        message="Campaign saved.",
        success_url=lambda saved: reverse("newsletter:campaign", args=[saved.pk]),
    )


def _detail(
    request: HttpRequest, campaign: Campaign, schedule_form: ScheduleForm, *, status: int = 200
) -> HttpResponse:
    progress = sending.campaign_progress(campaign)
    editable = campaign.state in campaigns.EDITABLE
    return render(
        request,
        "newsletter/staff/detail.html",
        {
            "campaign": campaign,
            "rendered": render_campaign(campaign),
            "progress": progress,
            "total": sum(progress.values()),
            "schedule_form": schedule_form,
            "editable": editable,
            "recipients": selectors.recipient_count(campaign) if editable else None,
            "running": campaign.state == CampaignState.SENDING,
        },
        status=status,
    )


@require_safe
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _officer(request)
    return _detail(request, _campaign(pk), ScheduleForm())


@require_POST
def campaign_test(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    try:
        campaigns.campaign_send_test(campaign=_campaign(pk), actor=user)
    except campaigns.TestNotSent as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "A test message has been sent to your own address.")
    return redirect("newsletter:campaign", pk=pk)


@require_POST
def campaign_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Two steps: the detail page's form asks when; this page says to how many people and
    asks to confirm (the answers carried in hidden fields); only the confirmed POST sends."""
    user = _officer(request)
    campaign = _campaign(pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _detail(request, campaign, form, status=400)
    now = form.cleaned_data["when"] == "now"
    if request.POST.get("confirmed") != "yes":
        if campaign.state not in campaigns.EDITABLE:
            messages.error(request, "This campaign has already been sent.")
            return redirect("newsletter:campaign", pk=pk)
        answers = [
            (name, value)
            for name, values in request.POST.lists()
            if name in form.fields or name.rsplit("_", 1)[0] in form.fields
            for value in values
        ]
        return render(
            request,
            "newsletter/staff/send_confirm.html",
            {
                "campaign": campaign,
                "recipients": selectors.recipient_count(campaign),
                "now": now,
                "scheduled_for": form.cleaned_data.get("scheduled_for"),
                "answers": answers,
            },
        )
    try:
        if now:
            count = sending.campaign_start(campaign_id=pk, actor=user)
            messages.success(
                request, f"Sending to {count:,} subscriber{'' if count == 1 else 's'}."
            )
        else:
            campaigns.campaign_schedule(
                campaign_id=pk, when=form.cleaned_data["scheduled_for"], actor=user
            )
            messages.success(request, "Campaign scheduled.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("newsletter:campaign", pk=pk)


def _act(request: HttpRequest, pk: int, action: Callable[..., object], done: str) -> HttpResponse:
    user = _officer(request)
    try:
        action(campaign_id=_campaign(pk).pk, actor=user)
        messages.success(request, done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("newsletter:campaign", pk=pk)


@require_POST
def campaign_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, sending.campaign_pause, "Sending is paused.")


@require_POST
def campaign_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, sending.campaign_resume, "Sending has resumed.")


@require_http_methods(["GET", "HEAD", "POST"])
def subscriber_import(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    form = ImportForm(posted(request), request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = import_subscribers(upload=form.cleaned_data["file"], actor=user)
        except ImportFileError as error:
            form.add_error("file", str(error))
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request, "newsletter/staff/import.html", {"form": form, "report": report}, status=status
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consent_entry(request: HttpRequest) -> HttpResponse:
    """A paper form: recorded as confirmed consent with its evidence, unless the address is
    suppressed (only the person's own double opt-in lifts that)."""
    user = _officer(request)
    form = PaperConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = consent_record_offline(
            email=data["email"],
            name=data["name"],
            topics=data["topics"],
            method=ConsentMethod.PAPER,
            evidence=data["evidence"],
            given_at=timezone.make_aware(datetime.combine(data["given_on"], time(12))),
            actor=user,
        )
        if recorded is None:
            form.add_error(
                "email",
                "This address unsubscribed from everything. Only the person can sign up again, "
                "through the form on the website.",
            )
        else:
            messages.success(request, "The consent is recorded.")
            return redirect("newsletter:consent_entry")
    return render(
        request,
        "newsletter/staff/consent_entry.html",
        {"form": form},
        status=form_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def wording(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    current = current_wording()
    return form_page(
        request,
        WordingForm(posted(request), initial={"text": current.text}),
        template="newsletter/staff/wording.html",
        context={"current": current},
        service=lambda data: consent_wording_change(text=data["text"], actor=user),
        message=lambda saved: f"Consent wording version {saved.version} is now in use.",
        success_url=reverse("newsletter:wording"),
    )


# --- Topics ------------------------------------------------------------------------------


def _topic(pk: int) -> Topic:
    return get_object_or_404(Topic, pk=pk)


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    _officer(request)
    return render(request, "newsletter/staff/topics.html", {"topics": topics.topics_for_staff()})


@require_http_methods(["GET", "HEAD", "POST"])
def topic_add(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    return form_page(
        request,
        TopicAddForm(posted(request)),
        template="newsletter/staff/topic_add.html",
        service=lambda data: topics.topic_add(actor=user, **data),
        message=lambda added: f"“{added.name}” is now offered on the sign-up form.",
        success_url=reverse("newsletter:topics"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def topic_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    topic = _topic(pk)
    return form_page(
        request,
        TopicChangeForm(
            posted(request),
            initial={
                "name": topic.name,
                "description": topic.description,
                "position": topic.position,
            },
        ),
        template="newsletter/staff/topic_edit.html",
        context={"topic": topic},
        service=lambda data: topics.topic_change(actor=user, topic_id=topic.pk, **data),
        message="The topic is saved.",
        success_url=reverse("newsletter:topics"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def topic_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """GET says what retiring would do; the POST does it."""
    user = _officer(request)
    topic = _topic(pk)
    if not topic.is_active:
        return redirect("newsletter:topics")
    if request.method == "POST":
        try:
            ended = topics.topic_retire(actor=user, topic_id=topic.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("newsletter:topic_retire", pk=topic.pk)
        messages.success(
            request, f"“{topic.name}” is retired. {ended:,} subscriptions to it have ended."
        )
        return redirect("newsletter:topics")
    return render(
        request,
        "newsletter/staff/topic_retire.html",
        {"topic": topic, "impact": topics.retire_impact(topic)},
    )


@require_POST
def topic_reinstate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _officer(request)
    topic = _topic(pk)
    try:
        topics.topic_reinstate(actor=user, topic_id=topic.pk)
        messages.success(request, f"“{topic.name}” is offered on the sign-up form again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("newsletter:topics")
