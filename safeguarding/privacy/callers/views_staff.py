"""Pages for security questions (public), caller checks, authorisations and disclosures (staff).

A caller check in progress is kept in the staff member's session by its id only; its questions
are stored on the ``CallerVerification`` row, so reloading the page shows the same two.
Emails are only ever sent in a POST body, never in a URL.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import CALL_HANDLING_ROLES, DATA_PROTECTION_ROLES
from safeguarding.accounts.selectors import staff_user_with_role
from safeguarding.audit.services import audit_read
from safeguarding.core.form_views import form_page, form_status
from safeguarding.core.forms import posted
from safeguarding.core.ratelimit import Limit
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.approvals import may_approve
from safeguarding.privacy.callers import services as identity_services
from safeguarding.privacy.callers.forms import (
    AuthorisationUseForm,
    CallerAnswersForm,
    FindPersonForm,
    OneOffAuthorisationForm,
    RejectAuthorisationForm,
    WrittenAuthorisationForm,
)
from safeguarding.privacy.callers.selectors import (
    LOCKED_FOR,
    VERIFICATION_FRESH_FOR,
    authorisations_awaiting_approval,
    authorisations_for_person,
    live_authorisations,
    may_act_outside_a_call,
    on_verified_call,
    person_by_email,
    verification_for_staff,
    verification_is_fresh,
    verification_locked_until,
)
from safeguarding.privacy.callers.services import (
    VerificationImpossible,
    VerificationLocked,
    VerifyTheCallerFirst,
    authorisation_record_one_off,
    authorisation_record_written,
    authorisation_use,
    caller_verification_answer,
    caller_verification_start,
    require_call_or_lead,
)
from safeguarding.privacy.models.identity import (
    Authorisation,
    AuthorisationKind,
    CallerVerification,
)
from safeguarding.privacy.models.rights import RightsRequest
from safeguarding.privacy.people.records import person_records
from safeguarding.privacy.people.selectors import requests_about

SESSION_KEY = "privacy.caller_verification"
# Answers never appear in error reports.
SENSITIVE = sensitive_post_parameters()

SECURITY_QUESTIONS_LIMIT = Limit("security-questions")


def _call_taker(request: HttpRequest) -> User:
    return staff_user_with_role(request, *CALL_HANDLING_ROLES)


def _approver(request: HttpRequest) -> User:
    """Who may approve a colleague's written authorisation."""
    return staff_user_with_role(request, *DATA_PROTECTION_ROLES)


# --- Public: setting security questions ---------------------------------------------------------


# --- Staff: checking a caller -------------------------------------------------------------------


def _current_verification(request: HttpRequest, staff: User) -> CallerVerification | None:
    pk = request.session.get(SESSION_KEY)
    if not isinstance(pk, int):
        return None
    return verification_for_staff(pk=pk, staff_id=staff.pk)


def _locked(request: HttpRequest, error: VerificationLocked) -> HttpResponse:
    return render(
        request,
        "privacy/identity/locked.html",
        {"until": error.until, "hours": int(LOCKED_FOR.total_seconds() // 3600)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def find(request: HttpRequest) -> HttpResponse:
    staff = _call_taker(request)
    form = FindPersonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        person = person_by_email(form.cleaned_data["email"])
        if person is None:
            form.add_error(
                "email", "We hold no one with this email address. Check it with the caller"
            )
        else:
            try:
                verification = caller_verification_start(person=person, staff=staff)
            except VerificationLocked as error:
                return _locked(request, error)
            except VerificationImpossible:
                return render(request, "privacy/identity/impossible.html")
            request.session[SESSION_KEY] = verification.pk
            return redirect("identity:verify")
    return render(request, "privacy/identity/find.html", {"form": form}, status=form_status(form))


@SENSITIVE
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    staff = _call_taker(request)
    verification = _current_verification(request, staff)
    if verification is None:
        return render(request, "privacy/identity/no_call.html")
    if verification.pending:
        form = CallerAnswersForm(posted(request), questions=verification.questions)
        if request.method == "POST" and form.is_valid():
            try:
                caller_verification_answer(
                    verification=verification, staff=staff, answers=form.answers()
                )
            except VerificationLocked as error:
                return _locked(request, error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("identity:verify")
        return render(
            request,
            "privacy/identity/verify.html",
            {"verification": verification, "form": form},
            status=form_status(form),
        )
    return _outcome(request, verification)


def _outcome(request: HttpRequest, verification: CallerVerification) -> HttpResponse:
    person = verification.person
    fresh = verification_is_fresh(verification)
    summary = _call_summary(request, verification) if fresh and verification.passed else None
    return render(
        request,
        "privacy/identity/outcome.html",
        {
            "verification": verification,
            "person": person,
            "fresh": fresh,
            "fresh_minutes": int(VERIFICATION_FRESH_FOR.total_seconds() // 60),
            "authorisations": live_authorisations(person) if fresh else [],
            "locked_until": None if verification.passed else verification_locked_until(person),
            "summary": summary,
        },
    )


def _call_summary(request: HttpRequest, verification: CallerVerification) -> dict[str, Any]:
    """What we hold about a caller who passed the check, to help the call: their bookings,
    subscriptions and requests, in plain words. Shown only on a verified call, and audited."""
    person = verification.person
    groups = person_records(SubjectKey.for_email(person.email)) if person.email else []
    requests = list(requests_about(person.email)) if person.email else []
    audit_read(
        actor=verification.staff,
        what="privacy.caller_summary",
        purpose=ON_THE_CALL_SUMMARY,
        target=person,
        records=sum(group.count for group in groups),
    )
    # The requests are listed with their deadlines, so not again among the records.
    others = [group for group in groups if group.declaration.model is not RightsRequest]
    return {"groups": others, "requests": requests}


@require_POST
def verify_use(request: HttpRequest) -> HttpResponse:
    staff = _call_taker(request)
    verification = _current_verification(request, staff)
    form = AuthorisationUseForm(request.POST)
    if verification is None or not form.is_valid():
        messages.error(request, "Choose an authorisation on the screen of a call in progress.")
        return redirect("identity:verify")
    authorisation = Authorisation.objects.filter(
        public_id=form.cleaned_data["authorisation"], person_id=verification.person_id
    ).first()
    if authorisation is None:
        messages.error(request, "That authorisation is not for this caller.")
        return redirect("identity:verify")
    try:
        authorisation_use(authorisation=authorisation, verification=verification, actor=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Recorded: you discussed the caller's data with {authorisation.authorised_party}.",
        )
    return redirect("identity:verify")


@require_POST
def end_call(request: HttpRequest) -> HttpResponse:
    _call_taker(request)
    request.session.pop(SESSION_KEY, None)
    return redirect("identity:find")


@require_http_methods(["GET", "HEAD", "POST"])
def one_off(request: HttpRequest) -> HttpResponse:
    staff = _call_taker(request)
    verification = _current_verification(request, staff)
    if verification is None or not verification_is_fresh(verification):
        return render(request, "privacy/identity/one_off.html", {"form": None})
    return form_page(
        request,
        OneOffAuthorisationForm(posted(request)),
        template="privacy/identity/one_off.html",
        service=lambda data: authorisation_record_one_off(
            verification=verification,
            authorised_party=data["authorised_party"],
            scope=data["scope"],
            actor=staff,
        ),
        message="The one-off instruction is recorded.",
        success_url=reverse("identity:verify"),
    )


# --- Staff: authorisations ----------------------------------------------------------------------

# Why staff were shown someone's records or authorisations (audit_read purposes).
ON_THE_CALL_SUMMARY = "helping a caller who passed the check"
ON_THE_CALL = "checking who may speak for the caller"
OUTSIDE_A_CALL = "data protection lead: reviewing authorisations outside a call"
APPROVING = "approving written authorisations"


def _verified_call(request: HttpRequest, staff: User) -> CallerVerification | None:
    """This member of staff's current call, if the caller passed and it is not stale."""
    verification = _current_verification(request, staff)
    return verification if on_verified_call(verification, staff=staff) else None


def _verify_first(request: HttpRequest) -> HttpResponse:
    """The refusal for anyone but a data protection lead without a verified call: a page
    that says what to do, and nothing is read or written."""
    return render(
        request,
        "privacy/identity/verify_first.html",
        {"fresh_minutes": int(VERIFICATION_FRESH_FOR.total_seconds() // 60)},
        status=403,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def authorisations(request: HttpRequest) -> HttpResponse:
    staff = _call_taker(request)
    call = _verified_call(request, staff)
    lead = may_act_outside_a_call(staff)
    if call is None and not lead:
        return _verify_first(request)
    form = FindPersonForm(posted(request))
    found = None
    if request.method == "POST" and form.is_valid():
        person = person_by_email(form.cleaned_data["email"])
        on_call = call is not None and person is not None and call.person_id == person.pk
        if person is None:
            form.add_error("email", "We hold no one with this email address")
        elif not on_call and not lead:
            form.add_error(
                "email", "Enter the email address of the caller who passed the check on this call"
            )
        else:
            found = authorisations_for_person(person)
            audit_read(
                actor=staff,
                what="privacy.authorisations",
                purpose=ON_THE_CALL if on_call else OUTSIDE_A_CALL,
                target=person,
                records=len(found),
            )
    return render(
        request,
        "privacy/identity/authorisations.html",
        {"form": form, "found": found, "call": call, "lead": lead},
        status=form_status(form),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def authorisation_written(request: HttpRequest) -> HttpResponse:
    staff = _call_taker(request)

    def record(data: dict[str, Any]) -> Authorisation:
        person = person_by_email(data["email"])
        if person is None:
            raise ValidationError({"email": "We hold no one with this email address"})
        return authorisation_record_written(
            person=person,
            authorised_party=data["authorised_party"],
            scope=data["scope"],
            document_reference=data["document_reference"],
            expires_on=data["expires_on"],
            actor=staff,
        )

    return form_page(
        request,
        WrittenAuthorisationForm(posted(request)),
        template="privacy/identity/authorisation_written.html",
        service=record,
        message="The written authorisation is recorded. A data protection lead or partnership "
        "administrator other than you must approve it before staff can rely on it.",
        success_url=reverse("identity:find"),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def authorisation_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _call_taker(request)
    call = _verified_call(request, staff)
    if call is None and not may_act_outside_a_call(staff):
        return _verify_first(request)
    pending = Authorisation.objects.filter(revoked_at__isnull=True).select_related("person")
    authorisation = get_object_or_404(pending, public_id=public_id)
    try:
        require_call_or_lead(actor=staff, verification=call, person=authorisation.person)
    except VerifyTheCallerFirst:
        raise Http404 from None  # on a call with someone else: not this caller's to see
    if request.method == "POST":
        try:
            identity_services.authorisation_revoke(
                authorisation=authorisation, actor=staff, verification=call
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The authorisation is revoked.")
        return redirect("identity:authorisations")
    return render(
        request,
        "privacy/identity/authorisation_revoke.html",
        {"authorisation": authorisation, "kinds": AuthorisationKind},
    )


@require_http_methods(["GET", "HEAD"])
def authorisations_awaiting(request: HttpRequest) -> HttpResponse:
    staff = _approver(request)
    waiting = list(authorisations_awaiting_approval())
    audit_read(
        actor=staff, what="privacy.authorisations_awaiting", purpose=APPROVING, records=len(waiting)
    )
    return render(
        request,
        "privacy/identity/authorisations_awaiting.html",
        {
            "waiting": [
                (item, may_approve(staff, recorded_by_id=item.recorded_by_id)) for item in waiting
            ]
        },
    )


@require_POST
def authorisation_approve(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _approver(request)
    authorisation = get_object_or_404(Authorisation, public_id=public_id)
    try:
        identity_services.authorisation_approve(authorisation=authorisation, actor=staff)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "The written authorisation is approved. Staff can now rely on it."
        )
    return redirect("identity:authorisations_awaiting")


@require_http_methods(["GET", "HEAD", "POST"])
def authorisation_reject(request: HttpRequest, public_id: UUID) -> HttpResponse:
    staff = _approver(request)
    authorisation = get_object_or_404(
        Authorisation.objects.awaiting_approval().select_related("person", "recorded_by"),
        public_id=public_id,
    )
    audit_read(actor=staff, what="privacy.authorisation", purpose=APPROVING, target=authorisation)
    return form_page(
        request,
        RejectAuthorisationForm(posted(request)),
        template="privacy/identity/authorisation_reject.html",
        context={
            "authorisation": authorisation,
            "can_decide": may_approve(staff, recorded_by_id=authorisation.recorded_by_id),
        },
        service=lambda data: identity_services.authorisation_reject(
            authorisation=authorisation, reason=data["reason"], actor=staff
        ),
        message="The written authorisation is rejected. Staff will not rely on it.",
        success_url=reverse("identity:authorisations_awaiting"),
    )


# --- Staff: the disclosure register -------------------------------------------------------------
