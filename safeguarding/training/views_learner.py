"""'My training': a learner's bookings, waiting places and certificates, through a signed link
emailed to their work address (no password). Every change is a POST from a page with a button.
Certificates are verified publicly by code, showing only name, course, date and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.core.addresses import normalise_email
from safeguarding.core.form_views import form_page, form_status
from safeguarding.core.forms import posted
from safeguarding.core.fragment_cache import cached_page
from safeguarding.core.links import BadLink
from safeguarding.core.ratelimit import Limit, over_limit, too_many_response
from safeguarding.core.tasks import enqueue_in_transaction
from safeguarding.training import links, selectors
from safeguarding.training.certificates import (
    EvaluationRefused,
    certificate_pdf,
    evaluation_submit,
)
from safeguarding.training.emails import send_training_email
from safeguarding.training.forms import EmailForm, EvaluationForm, TransferForm
from safeguarding.training.models import (
    ATTENDED,
    HOLDING,
    Booking,
    Certificate,
    EvaluationKind,
    SessionStatus,
)
from safeguarding.training.selectors import cancellation_cutoff
from safeguarding.training.services import (
    BookingRefused,
    booking_cancel,
    booking_transfer,
    waiting_leave,
)
from safeguarding.training.views_public import bad_link

LINK_LIMIT = Limit("training-my-training")


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page()
def ask_for_link(request: HttpRequest) -> HttpResponse:
    form = EmailForm(posted(request))
    if request.method == "POST" and form.is_valid():
        email = normalise_email(form.cleaned_data["email"])
        if over_limit(request, LINK_LIMIT, address=email):
            return too_many_response(request, form, "training/my_training_ask.html")
        # The same answer whether or not we hold anything for the address.
        booking_id, entry_id = selectors.latest_record_for(email)
        if booking_id or entry_id:
            enqueue_in_transaction(
                send_training_email,
                name="my_training_link",
                booking_id=booking_id,
                entry_id=None if booking_id else entry_id,
            )
        return redirect("training:link_sent")
    return render(
        request, "training/my_training_ask.html", {"form": form}, status=form_status(form)
    )


@require_safe
@cached_page()
def link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "training/my_training_sent.html")


def _learner(token: str) -> tuple[links.Learner, str] | str:
    """The learner and their email address, or the message to show for a bad link."""
    try:
        learner = links.read_learner(token)
    except BadLink as bad:
        return str(bad)
    email = selectors.learner_email(learner)
    if email is None:
        return "This link no longer works. Ask for a new one from the My training page."
    return learner, email


@require_safe
def my_training(request: HttpRequest, token: str) -> HttpResponse:
    found = _learner(token)
    if isinstance(found, str):
        return bad_link(request, found)
    learner, email = found
    records = selectors.my_training(learner, email=email)
    rows = [
        BookingRow(
            booking=booking,
            can_change=booking.status in HOLDING and booking.session.starts_at > timezone.now(),
            cancel_free_until=cancellation_cutoff(booking.session),
            can_evaluate=_may_evaluate(booking, EvaluationKind.POST_COURSE),
            can_follow_up=booking.follow_up_invited_at is not None
            and _may_evaluate(booking, EvaluationKind.FOLLOW_UP),
        )
        for booking in records.bookings
    ]
    return render(
        request,
        "training/my_training.html",
        {"token": token, "rows": rows, "waiting": records.waiting},
    )


def _may_evaluate(booking: Booking, kind: EvaluationKind) -> bool:
    return (
        booking.session.status == SessionStatus.CLOSED
        and booking.attended
        and not any(e.kind == kind for e in booking.evaluations.all())
    )


@dataclass(frozen=True)
class BookingRow:
    booking: Booking
    can_change: bool
    cancel_free_until: datetime
    can_evaluate: bool
    can_follow_up: bool


def _learner_booking(token: str, pk: int) -> Booking | str:
    """The booking the link's learner holds, or the message to show for a bad link."""
    found = _learner(token)
    if isinstance(found, str):
        return found
    learner, _email = found
    booking = selectors.learner_booking(learner, pk)
    if booking is None:
        raise Http404
    return booking


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    booking = _learner_booking(token, pk)
    if isinstance(booking, str):
        return bad_link(request, booking)
    if request.method == "POST":
        try:
            booking_cancel(booking_id=booking.pk)
        except BookingRefused as refused:
            return bad_link(request, refused.messages[0], status=409)
        messages.success(request, "Your booking is cancelled. We have emailed you to confirm.")
        return redirect(reverse("training:my_training", args=[token]))
    context = {
        "token": token,
        "booking": booking,
        "cancel_free_until": cancellation_cutoff(booking.session),
    }
    return render(request, "training/cancel.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def transfer(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    """A refused transfer (a colleague already booked, the session started) and an invalid
    form both come back with the error summary, answered 400."""
    booking = _learner_booking(token, pk)
    if isinstance(booking, str):
        return bad_link(request, booking)
    form = TransferForm(posted(request), course=booking.session.course)
    return form_page(
        request,
        form,
        template="training/transfer.html",
        context={"token": token, "booking": booking},
        service=lambda _data: booking_transfer(booking_id=booking.pk, colleague=form.applicant()),
        # After a transfer the old link no longer shows this booking.
        success_url=reverse("training:transferred"),
    )


@require_safe
@cached_page()
def transferred(request: HttpRequest) -> HttpResponse:
    return render(request, "training/transferred.html")


@require_http_methods(["GET", "HEAD", "POST"])
def leave(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    found = _learner(token)
    if isinstance(found, str):
        return bad_link(request, found)
    learner, _email = found
    entry = selectors.learner_waiting_entry(learner, pk)
    if entry is None:
        raise Http404
    if request.method == "POST":
        try:
            waiting_leave(entry_id=entry.pk)
        except BookingRefused as refused:
            return bad_link(request, refused.messages[0], status=409)
        messages.success(request, "You have left the waiting list.")
        return redirect("training:my_training", token=token)
    return render(request, "training/leave.html", {"token": token, "entry": entry})


@require_safe
def certificate(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    found = _learner(token)
    if isinstance(found, str):
        return bad_link(request, found)
    learner, _email = found
    booking = selectors.learner_booking(learner, pk)
    issued = (
        Certificate.objects.filter(booking=booking)
        .select_related("booking__session__course")
        .first()
        if booking
        else None
    )
    if issued is None:
        raise Http404
    response = HttpResponse(certificate_pdf(issued), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{issued.code}.pdf"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def evaluation(request: HttpRequest, token: str, pk: int, kind: str) -> HttpResponse:
    found = _learner(token)
    if isinstance(found, str):
        return bad_link(request, found)
    learner, _email = found
    booking = selectors.learner_booking(learner, pk)
    if booking is None or kind not in EvaluationKind.values:
        raise Http404
    if booking.session.status != SessionStatus.CLOSED or booking.attendance not in ATTENDED:
        return bad_link(
            request,
            "Only people who attended a session can evaluate it, once it has finished.",
            status=403,
        )
    form = EvaluationForm(posted(request))
    context = {"token": token, "booking": booking, "form": form, "kind": EvaluationKind(kind)}
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_submit(booking_id=booking.pk, kind=kind, **form.cleaned_data)
        except EvaluationRefused as refused:
            return bad_link(request, refused.messages[0], status=409)
        messages.success(request, "Thank you. Your evaluation has been sent.")
        return redirect("training:my_training", token=token)
    return render(request, "training/evaluation.html", context, status=form_status(form))


@require_safe
def verify(request: HttpRequest, code: str) -> HttpResponse:
    issued = (
        Certificate.objects.filter(code=code.strip().upper())
        .select_related("booking__session__course")
        .first()
    )
    if issued is None:
        return render(
            request, "training/verify.html", {"certificate": None, "code": code}, status=404
        )
    return render(request, "training/verify.html", {"certificate": issued, "code": issued.code})
