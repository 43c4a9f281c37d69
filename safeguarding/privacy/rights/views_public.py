"""Rights requests: the public pages at /your-data/ (ask, check your email, confirm)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.core import links
from safeguarding.core.form_views import add_service_error, form_status
from safeguarding.core.forms import posted
from safeguarding.core.fragment_cache import cached_page
from safeguarding.core.ratelimit import over_limit, too_many_response
from safeguarding.privacy.models.rights import RequestKind, RequestStatus
from safeguarding.privacy.rights.delivery import (
    DOWNLOAD_LIMIT,
    DownloadRefused,
    delivery_from_link,
    export_download,
)
from safeguarding.privacy.rights.forms import (
    ConfirmEmailForm,
    RightsRequestForm,
)
from safeguarding.privacy.rights.selectors import (
    rights_request_from_link,
)
from safeguarding.privacy.rights.services import (
    LINK_PURPOSE,
    LINK_VALID_FOR,
    REQUEST_LIMIT,
    UNCONFIRMED_KEPT_FOR,
    rights_request_confirm,
    rights_request_submit,
)

PAGE_SIZE = 25

# --- Public pages ----------------------------------------------------------------------------


@require_safe
@cached_page()
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/rights/start.html", {"kinds": RequestKind})


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page()
def make_request(request: HttpRequest) -> HttpResponse:
    form = RightsRequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if over_limit(request, REQUEST_LIMIT, address=data["email"]):
            return too_many_response(request, form, "privacy/rights/request_form.html")
        rights_request_submit(
            email=data["email"],
            full_name=data["full_name"],
            kind=data["kind"],
            details=data["details"],
        )
        return redirect("your_data:check_email")
    return render(
        request, "privacy/rights/request_form.html", {"form": form}, status=form_status(form)
    )


@require_safe
@cached_page()
def check_email(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/rights/check_email.html", {"days": LINK_VALID_FOR.days})


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only its POST confirms, so a mail scanner that follows every link
    in a message cannot confirm a request on the requester's behalf."""
    try:
        payload = links.read_token(token, purpose=LINK_PURPOSE, max_age=LINK_VALID_FOR)
        request_id = payload.get("request")
        if not isinstance(request_id, int):
            raise links.BadLink("This link is not valid.")
    except links.BadLink as bad:
        return _bad_link(request, str(bad))
    if request.method == "POST":
        rights_request = rights_request_confirm(request_id=request_id)
    else:
        rights_request = rights_request_from_link(request_id)
        if rights_request and rights_request.status == RequestStatus.AWAITING_CONFIRMATION:
            return render(
                request,
                "privacy/rights/confirm.html",
                {"rights_request": rights_request, "kept_days": UNCONFIRMED_KEPT_FOR.days},
            )
    if rights_request is None:
        return _bad_link(request, "This link has expired. Make your request again.")
    return render(request, "privacy/rights/confirmed.html", {"rights_request": rights_request})


@require_http_methods(["GET", "HEAD", "POST"])
def export(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link to a copy of your data: type your address again, and download it."""
    try:
        delivery = delivery_from_link(token)
    except links.BadLink as bad:
        return _bad_link(request, str(bad))
    why_not = delivery.unusable(now=timezone.now())
    if why_not:
        return _bad_link(request, f"{why_not} Contact us for a new one.")
    template = "privacy/rights/export_download.html"
    context = {"delivery": delivery}
    form = ConfirmEmailForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if over_limit(request, DOWNLOAD_LIMIT, address=form.cleaned_data["email"]):
            return too_many_response(request, form, template, context)
        try:
            bundle, name = export_download(delivery=delivery, email=form.cleaned_data["email"])
        except DownloadRefused as refused:
            return _bad_link(request, f"{refused} Contact us for a new one.")
        except ValidationError as error:
            add_service_error(form, error)
        else:
            response = HttpResponse(bundle, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "no-store"
            return response
    return render(request, template, {"form": form, **context}, status=form_status(form))


def _bad_link(request: HttpRequest, message: str) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {"title": "This link does not work", "message": message},
        status=400,
    )
