"""The secretariat's pages for a case's reporting forms: who has and has not returned theirs,
asking a professional for a form, sending the link again, withdrawing a request, and reading
a submitted form. Every page is for the case's live members only: anyone else, administrators
included, gets 404 (``selectors.case_for``), and every read is logged. Leads and members ask,
resend and withdraw; reviewers read. Pages are never cached."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.accounts.models import User
from safeguarding.cdop import reporting, selectors
from safeguarding.cdop.forms_reporting import RequestForm, WithdrawForm
from safeguarding.cdop.models import ChildDeath, FormKind, ReportingForm
from safeguarding.cdop.reporting_questions import questions_for
from safeguarding.core.dates import day
from safeguarding.core.forms import posted
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.pages import no_store
from safeguarding.workspaces.record_pages import RecordPages
from safeguarding.workspaces.selectors import require_role

FORM_TEMPLATE = "cdop/forms/form.html"


# The forms' pages come back to the case's list of reporting forms.
PAGES = RecordPages("cdop:reporting_forms", FORM_TEMPLATE, selectors.case_for)
_case = PAGES.member
_writer = PAGES.writer
_list_url = PAGES.url


def _form_of(user: User, case: ChildDeath, pk: int, *, purpose: str) -> ReportingForm:
    found: ReportingForm = selectors.record_of(
        ReportingForm, user, pk=pk, case=case, purpose=purpose
    )
    return found


def _status(form: ReportingForm, today: object) -> tuple[str, str]:
    """(words, GOV.UK tag colour) for a form on the list."""
    if form.submitted_at is not None:
        return "Returned", "green"
    if form.withdrawn_at is not None:
        return "Withdrawn", "grey"
    if form.is_overdue(today):
        return "Overdue", "red"
    if form.draft_saved_at is not None:
        return "Started", "blue"
    return "Waiting", "yellow"


@require_safe
def reporting_forms(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _case(request, pk, purpose="reporting forms")
    today = timezone.localdate()
    forms = selectors.reporting_forms_of(case, user=user)
    rows = [(form, *_status(form, today)) for form in forms]
    live = [form for form in forms if form.withdrawn_at is None]
    membership = require_role(user, case.workspace)
    context = {
        "case": case,
        "rows": rows,
        "returned": sum(1 for form in live if form.submitted_at is not None),
        "outstanding": sum(1 for form in live if form.is_outstanding),
        "overdue": sum(1 for form in live if form.is_overdue(today)),
        "may_write": membership.role in (MembershipRole.LEAD, MembershipRole.MEMBER)
        and not case.is_closed,
        "kinds": FormKind,
    }
    return no_store(render(request, "cdop/forms/list.html", context))


@require_http_methods(["GET", "HEAD", "POST"])
def reporting_form_request(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _writer(request, pk, purpose="ask for a reporting form")
    form = RequestForm(posted(request))
    return no_store(
        PAGES.form(
            request,
            case,
            form,
            title="Ask for a reporting form",
            button="Ask for the form",
            intro=(
                "We email the professional a link to the form. It works without an "
                "account, once, until they send the form."
            ),
            service=lambda data: reporting.reporting_form_request(
                case=case, kind=data["kind"], professional=form.professional(), actor=user
            ),
            message=lambda sent: (
                f"{FormKind(sent.kind).label} asked of {sent.professional_name}, "
                f"due {day(sent.due_on)}. We have emailed them a link."
            ),
        )
    )


@require_POST
def reporting_form_resend(request: HttpRequest, pk: int, form: int) -> HttpResponse:
    user, case = _writer(request, pk, purpose="send a reporting form's link again")
    found = _form_of(user, case, form, purpose="send a reporting form's link again")
    try:
        reporting.reporting_form_resend(form=found, actor=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"We have emailed {found.professional_name} a new link. The link in earlier "
            "emails no longer works.",
        )
    return no_store(HttpResponseRedirect(_list_url(case)))


@require_http_methods(["GET", "HEAD", "POST"])
def reporting_form_withdraw(request: HttpRequest, pk: int, form: int) -> HttpResponse:
    user, case = _writer(request, pk, purpose="withdraw a reporting form")
    found = _form_of(user, case, form, purpose="withdraw a reporting form")
    return no_store(
        PAGES.form(
            request,
            case,
            WithdrawForm(posted(request)),
            title=f"Withdraw the request to {found.professional_name}",
            button="Withdraw the request",
            intro="The link stops working and no more reminders are sent.",
            service=lambda data: reporting.reporting_form_withdraw(
                form=found, reason=data["reason"], actor=user
            ),
            message="Request withdrawn.",
        )
    )


@require_safe
def reporting_form_answers(request: HttpRequest, pk: int, form: int) -> HttpResponse:
    """A returned form's answers. A form not yet returned has none to read: its draft is the
    professional's until they send it."""
    user, case = _case(request, pk, purpose="read a reporting form")
    found = _form_of(user, case, form, purpose="read a reporting form")
    if found.submitted_at is None:
        raise Http404("No such record")
    answers = reporting.answers_of(found)
    rows = [
        (question, answers.get(question.key, reporting.Answer()))
        for question in questions_for(found.kind)
    ]
    context = {
        "case": case,
        "reporting_form": found,
        "kind": FormKind(found.kind).label,
        "rows": rows,
    }
    return no_store(render(request, "cdop/forms/answers.html", context))
