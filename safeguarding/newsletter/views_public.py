"""The public newsletter pages: sign up, confirm, manage, unsubscribe.

Links that change something show a page with a button on GET; only the POST acts, so mail
scanners that follow every link change nothing. The unsubscribe POST needs no session and no
CSRF token (RFC 8058 one-click): the signed per-recipient token is the only thing trusted.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.core import links
from safeguarding.core.form_views import form_status
from safeguarding.core.forms import posted
from safeguarding.core.fragment_cache import cached_page
from safeguarding.core.ratelimit import Limit, over_limit, too_many_response
from safeguarding.newsletter import selectors, services, tokens
from safeguarding.newsletter.forms import (
    YOUR_DATA_CHOICES,
    ManageForm,
    SignUpForm,
    YourDataForm,
)
from safeguarding.newsletter.models import Subscriber
from safeguarding.privacy.rights.services import REQUEST_LIMIT, rights_request_submit

SIGN_UP_LIMIT = Limit("newsletter-sign-up")


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page(version=selectors.sign_up_version)
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(posted(request))
    wording = services.current_wording()
    context = {"form": form, "wording": wording}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if over_limit(request, SIGN_UP_LIMIT, address=data["email"]):
            return too_many_response(request, form, "newsletter/sign_up.html", context)
        services.subscriber_sign_up(
            email=data["email"], name=data["name"], topics=data["topics"], wording=wording
        )
        return redirect("newsletter:check_email")
    return render(request, "newsletter/sign_up.html", context, status=form_status(form))


@require_safe
@cached_page()
def check_email(request: HttpRequest) -> HttpResponse:
    return render(request, "newsletter/check_email.html", {"days": tokens.CONFIRM_VALID_FOR.days})


def _bad_link(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {"title": "This link does not work", "message": message},
        status=400,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = tokens.read(tokens.CONFIRM, token)
        consent_ids = payload.get("c")
        if not isinstance(consent_ids, list) or not all(isinstance(i, int) for i in consent_ids):
            raise links.BadLink("This link is not valid.")
    except links.BadLink as bad:
        return _bad_link(request, str(bad))
    if request.method != "POST":
        return render(request, "newsletter/confirm.html")
    result = services.subscriber_confirm(
        subscriber_id=int(str(payload["s"])),
        address_prefix=str(payload["h"]),
        consent_ids=consent_ids,
    )
    if result.outcome is services.Confirmation.GONE or result.subscriber is None:
        return _bad_link(
            request, "This sign-up has expired or was cancelled. Sign up again to subscribe."
        )
    manage_url = tokens.absolute("newsletter:manage", tokens.make(tokens.MANAGE, result.subscriber))
    return render(
        request,
        "newsletter/confirmed.html",
        {"already": result.outcome is services.Confirmation.ALREADY, "manage_url": manage_url},
    )


def _current_topics(subscriber: Subscriber) -> list[int]:
    return list(
        subscriber.consents.filter(
            withdrawn_at__isnull=True, confirmed_at__isnull=False
        ).values_list("topic_id", flat=True)
    )


def _manage_link(request: HttpRequest, token: str) -> Subscriber | HttpResponse:
    """The subscriber a manage link is for, or the page to show instead: a bad link, or
    "you are unsubscribed" for someone who has gone."""
    try:
        payload = tokens.read(tokens.MANAGE, token)
    except links.BadLink as bad:
        return _bad_link(request, str(bad))
    subscriber = tokens.subscriber_for(payload)
    if subscriber is None:
        return render(request, "newsletter/unsubscribed.html")
    return subscriber


@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = _manage_link(request, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    form = ManageForm(posted(request), initial={"topics": _current_topics(subscriber)})
    context = {"form": form, "data_form": YourDataForm(), "token": token}
    if request.method == "POST" and form.is_valid():
        if not services.subscriber_change_topics(
            subscriber=subscriber, topics=form.cleaned_data["topics"]
        ):
            return render(request, "newsletter/unsubscribed.html")
        return render(request, "newsletter/manage.html", {**context, "saved": True})
    return render(request, "newsletter/manage.html", context, status=form_status(form))


@require_POST
def manage_your_data(request: HttpRequest, token: str) -> HttpResponse:
    """A copy or erasure of everything held about the subscriber, through the privacy
    engine: the request is confirmed by the link it emails to the address, as on
    /your-data/, so someone a newsletter was forwarded to learns and starts nothing."""
    subscriber = _manage_link(request, token)
    if isinstance(subscriber, HttpResponse):
        return subscriber
    data_form = YourDataForm(request.POST)
    manage_form = ManageForm(initial={"topics": _current_topics(subscriber)})
    context = {"form": manage_form, "data_form": data_form, "token": token}
    if not data_form.is_valid():
        return render(request, "newsletter/manage.html", context, status=400)
    if over_limit(request, REQUEST_LIMIT, address=subscriber.email):
        return too_many_response(request, data_form, "newsletter/manage.html", context)
    kind = data_form.cleaned_data["kind"]
    rights_request_submit(
        email=subscriber.email,
        full_name=subscriber.name,
        kind=kind,
        details=f"{YOUR_DATA_CHOICES[kind]}. Asked from the newsletter's manage page.",
    )
    return redirect("your_data:check_email")


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """RFC 8058: mail clients POST ``List-Unsubscribe=One-Click`` here with no cookies. The
    page's own button posts the same. Unknown or already removed: "done", nothing revealed."""
    try:
        payload = tokens.read(tokens.UNSUBSCRIBE, token)
    except links.BadLink as bad:
        return _bad_link(request, str(bad))
    if request.method != "POST":
        return render(request, "newsletter/unsubscribe.html")
    services.unsubscribe_by_token(payload=payload)
    return render(request, "newsletter/unsubscribed.html")
