"""Pages for people without an account: the online notification of a child's death, and the
reporting form an agency answers through its emailed link. Neither shows back anything that
was sent: the notification's page thanks the notifier, and a submitted form's link says only
that it was sent."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.cdop.forms_public import NotificationForm
from safeguarding.cdop.forms_reporting import AnswerForm
from safeguarding.cdop.models import FormKind
from safeguarding.cdop.reporting import (
    AlreadySubmitted,
    LinkGone,
    answers_of,
    form_from_link,
    reporting_form_save,
)
from safeguarding.cdop.services import notify_death_online
from safeguarding.core.form_views import add_service_error, form_status
from safeguarding.core.forms import posted
from safeguarding.core.fragment_cache import cached_page
from safeguarding.core.links import BadLink
from safeguarding.core.ratelimit import Limit, over_limit, too_many_response
from safeguarding.workspaces.pages import no_store

NOTIFY_TEMPLATE = "cdop/public/notify.html"
FORM_TEMPLATE = "cdop/public/reporting_form.html"
SAVED = (
    "Your answers are saved. Come back with the link in your email to finish the form: it "
    "works until you send the form."
)


def notification_limit() -> Limit:
    return Limit(
        "cdop-notification",
        per_address="5/h",
        per_client=f"{settings.CDOP_NOTIFICATIONS_PER_CLIENT_HOUR}/h",
    )


@require_http_methods(["GET", "HEAD", "POST"])
def notify(request: HttpRequest) -> HttpResponse:
    form = NotificationForm(posted(request))
    if request.method == "POST" and form.is_valid():
        if over_limit(request, notification_limit(), address=form.cleaned_data["notifier_email"]):
            return no_store(too_many_response(request, form, NOTIFY_TEMPLATE))
        try:
            notify_death_online(child=form.child(), notifier=form.notifier())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("cdop:notification_sent")
    status = form_status(form)
    return no_store(render(request, NOTIFY_TEMPLATE, {"form": form}, status=status))


@require_safe
@cached_page()
def notification_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "cdop/public/notification_sent.html")


def _link_refused(request: HttpRequest, refused: BadLink) -> HttpResponse:
    if isinstance(refused, AlreadySubmitted):
        return render(request, "cdop/public/reporting_form_already_sent.html", status=410)
    return render(
        request,
        "cdop/public/reporting_form_link.html",
        {"message": str(refused)},
        status=410 if isinstance(refused, LinkGone) else 404,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def reporting_form_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The form behind an emailed link: the saved draft to carry on with; "Save and come back
    later" keeps it, "Submit" sends it. The link's secret makes the page ``no-store``
    (``core.middleware``)."""
    try:
        found = form_from_link(token)
    except BadLink as refused:
        return _link_refused(request, refused)
    form = AnswerForm(
        posted(request), kind=found.kind, initial=AnswerForm.initial_from(answers_of(found))
    )
    submit = request.POST.get("action") == "submit"
    if request.method == "POST" and form.is_valid():
        try:
            reporting_form_save(token=token, answers=form.answers(), submit=submit)
        except BadLink as refused:
            return _link_refused(request, refused)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if submit:
                return redirect("cdop:reporting_form_sent")
            messages.success(request, SAVED)
            return redirect(request.path)
    context = {
        "form": form,
        "reporting_form": found,
        "case": found.case,
        "kind": FormKind(found.kind).label,
    }
    return render(request, FORM_TEMPLATE, context, status=form_status(form))


@require_safe
@cached_page()
def reporting_form_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "cdop/public/reporting_form_sent.html")
