"""Security questions: the public pages where a person asks for, and uses, the emailed
link to set the questions staff will ask when they call."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from safeguarding.core import links
from safeguarding.core.form_views import form_status
from safeguarding.core.forms import posted
from safeguarding.core.fragment_cache import cached_page
from safeguarding.core.ratelimit import Limit, over_limit, too_many_response
from safeguarding.privacy.callers.forms import (
    SecurityQuestionsEmailForm,
    SecurityQuestionsForm,
)
from safeguarding.privacy.callers.services import (
    LINK_VALID_FOR,
    person_from_link,
    security_questions_link_request,
    security_questions_set_by_link,
)

SESSION_KEY = "privacy.caller_verification"
# Answers never appear in error reports.
SENSITIVE = sensitive_post_parameters()

SECURITY_QUESTIONS_LIMIT = Limit("security-questions")


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page()
def questions_request(request: HttpRequest) -> HttpResponse:
    form = SecurityQuestionsEmailForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if over_limit(request, SECURITY_QUESTIONS_LIMIT, address=form.cleaned_data["email"]):
            return too_many_response(request, form, "privacy/identity/questions_request.html")
        security_questions_link_request(email=form.cleaned_data["email"])
        return redirect("security_questions:sent")
    return render(
        request, "privacy/identity/questions_request.html", {"form": form}, status=form_status(form)
    )


@require_http_methods(["GET", "HEAD"])
@cached_page()
def questions_sent(request: HttpRequest) -> HttpResponse:
    hours = int(LINK_VALID_FOR.total_seconds() // 3600)
    return render(request, "privacy/identity/questions_sent.html", {"hours": hours})


@SENSITIVE
@require_http_methods(["GET", "HEAD", "POST"])
def questions_set(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person_from_link(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    form = SecurityQuestionsForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            security_questions_set_by_link(token=token, answers=form.cleaned_data["answers"])
        except links.BadLink as error:  # used by another request a moment ago
            return _bad_link(request, error)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("security_questions:done")
    return render(
        request, "privacy/identity/questions_set.html", {"form": form}, status=form_status(form)
    )


def _bad_link(request: HttpRequest, error: links.BadLink) -> HttpResponse:
    return render(request, "privacy/identity/bad_link.html", {"message": str(error)}, status=400)


@require_http_methods(["GET", "HEAD"])
@cached_page()
def questions_done(request: HttpRequest) -> HttpResponse:
    return render(request, "privacy/identity/questions_done.html")
