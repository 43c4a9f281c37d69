"""The public site's own pages: cookies (with the banner's form), accessibility, contact."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.core.form_views import form_status
from safeguarding.core.forms import posted
from safeguarding.core.fragment_cache import cached_page
from safeguarding.core.ratelimit import Limit, over_limit, too_many_response
from safeguarding.core.views import bad_request, page_not_found
from safeguarding.public import consent, cookies
from safeguarding.public.forms import CookieBannerForm, CookiePreferencesForm, EnquiryForm
from safeguarding.public.services import enquiry_submit

ENQUIRY_LIMIT = Limit("contact-form")


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page()
def cookies_page(request: HttpRequest) -> HttpResponse:
    decided: consent.Consent = request.cookie_consent  # type: ignore[attr-defined]
    initial = consent.Choice.ACCEPTED.value if decided.accepted else None
    form = None
    if decided.offered:
        form = CookiePreferencesForm(
            posted(request), initial={"analytics": initial or consent.Choice.REJECTED.value}
        )
    context: dict[str, Any] = {
        "categories": cookies.by_category(),
        "form": form,
        "consent": decided,
        "saved": False,
    }
    if request.method == "POST":
        if form is None:  # nothing to choose: no analytics is configured
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if form.is_valid():
            choice = consent.Choice(form.cleaned_data["analytics"])
            context["consent"] = consent.apply_choice(request, choice, just_chosen=False)
            context["saved"] = True
            response = render(request, "public/cookies.html", context)
            consent.remember_choice(response, choice, just_chosen=False)
            return response
    return render(request, "public/cookies.html", context, status=form_status(form))


def _back_to(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@require_POST
def cookie_banner_choice(request: HttpRequest) -> HttpResponseBase:
    """The banner's Accept or Reject button, with JavaScript off or on."""
    if not cookies.analytics_configured():
        return page_not_found(request)
    form = CookieBannerForm(request.POST)
    if not form.is_valid():
        return bad_request(request)
    response = redirect(_back_to(request, form.cleaned_data["next"]))
    choice = consent.Choice(form.cleaned_data["analytics"])
    consent.apply_choice(request, choice, just_chosen=True)
    consent.remember_choice(response, choice, just_chosen=True)
    return response


@require_POST
def cookie_banner_hide(request: HttpRequest) -> HttpResponseBase:
    """The confirmation's Hide button without JavaScript: the confirmation has already been
    shown once, so going back to the page shows it no more."""
    return redirect(_back_to(request, request.POST.get("next", "")))


@require_safe
@cached_page()
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "public/accessibility.html", {"statement": settings.ACCESSIBILITY})


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page()
def contact(request: HttpRequest) -> HttpResponse:
    form = EnquiryForm(posted(request))
    if request.method == "POST":
        # A Freedom of Information request gets its answer at once, and nothing is kept (P15).
        if form.is_foi_request():
            # What they typed comes back in the form (it is not kept), to send as another kind
            # of enquiry if they want.
            typed = {name: request.POST.get(name, "") for name in ("name", "email", "message")}
            return render(
                request,
                "public/contact_foi.html",
                {"foi_url": settings.FOI_REQUEST_URL, "form": EnquiryForm(initial=typed)},
            )
        if form.is_valid():
            data = form.cleaned_data
            if over_limit(request, ENQUIRY_LIMIT, address=data["email"]):
                return too_many_response(request, form, "public/contact.html")
            enquiry_submit(
                kind=data["kind"], name=data["name"], email=data["email"], message=data["message"]
            )
            return redirect("contact_sent")
    return render(request, "public/contact.html", {"form": form}, status=form_status(form))


@require_safe
@cached_page()
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "public/contact_sent.html")
