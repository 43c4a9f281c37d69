"""The public training pages: catalogue, booking, manager approval and waiting-list offers."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from safeguarding.core.form_views import form_status
from safeguarding.core.forms import posted
from safeguarding.core.fragment_cache import (
    MAX_CACHED_QUERY,
    Fragment,
    cached_fragment,
    cached_page,
    holds_until,
)
from safeguarding.core.links import BadLink
from safeguarding.core.ratelimit import Limit, over_limit, too_many_response
from safeguarding.training import links, page_cache, selectors
from safeguarding.training.forms import BookingForm, CatalogueForm
from safeguarding.training.models import Booking, BookingStatus, WaitingListEntry, WaitingStatus
from safeguarding.training.selectors import attach_places
from safeguarding.training.services import (
    AlreadyDecided,
    BookingRefused,
    booking_decide,
    booking_request,
    offer_accept,
)

CATALOGUE_PAGE_SIZE = 20


def booking_limit() -> Limit:
    return Limit(
        "training-booking",
        per_address="5/h",
        per_client=f"{settings.TRAINING_BOOKINGS_PER_CLIENT_HOUR}/h",
    )


def bad_link(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    return render(
        request,
        "errors/error.html",
        {"title": "This link does not work", "message": message},
        status=status,
    )


def _cached_page(request: HttpRequest, parts: dict[str, str]) -> HttpResponse:
    # A page whose title starts "Error: " shows a form's errors (the catalogue's filters given
    # a date that does not exist): refused, so 400, like every form shown again with errors.
    return render(
        request,
        "training/cached_page.html",
        {"title": parts["title"], "content": mark_safe(parts["content"])},  # noqa: S308 - rendered by our template
        status=400 if parts["title"].startswith("Error: ") else 200,
    )


@require_safe
@cached_page(version=page_cache.catalogue_version, query=True)
def catalogue(request: HttpRequest) -> HttpResponse:
    """The catalogue's content is the same for everyone who sends the same query (its filter
    errors too), so it is cached under the catalogue version and the query; so is the whole
    page for each variant of an anonymous visitor (core.fragment_cache)."""
    version = page_cache.catalogue_version()
    key = "catalogue?" + request.GET.urlencode()
    parts = cached_fragment(
        page_cache.NAMESPACE,
        version if len(key) <= MAX_CACHED_QUERY else None,
        key,
        lambda: _catalogue_fragment(request),
    )
    return _cached_page(request, parts)


def _catalogue_fragment(request: HttpRequest) -> Fragment:
    form = CatalogueForm(request.GET or None)
    filters = selectors.CatalogueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CatalogueFilters(
            search=data["q"].strip(),
            audience=data["audience"],
            level=data["level"],
            format=data["format"],
            topic=data["topic"],
            from_date=data["from_date"],
        )
    page = Paginator(selectors.catalogue(filters), CATALOGUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    sessions = [
        session for course in page.object_list for session in getattr(course, "upcoming", [])
    ]
    attach_places(sessions)
    query = request.GET.copy()
    query.pop("page", None)
    content = render_to_string(
        "training/_catalogue_content.html",
        {
            "form": form,
            "page": page,
            "courses": page.object_list,
            "page_query": query.urlencode() + "&" if query else "",
        },
    )
    title = ("Error: " if form.errors else "") + "Training courses"
    return Fragment({"title": title, "content": content}, page_cache.valid_until(sessions))


@require_safe
@cached_page(version=page_cache.catalogue_version)
def course(request: HttpRequest, pk: int) -> HttpResponse:
    version = page_cache.catalogue_version()
    parts = cached_fragment(page_cache.NAMESPACE, version, f"course/{pk}", lambda: _course(pk))
    return _cached_page(request, parts)


def _course(pk: int) -> Fragment:
    found = selectors.published_course(pk)
    if found is None:
        raise Http404
    upcoming = getattr(found, "upcoming", [])
    content = render_to_string("training/_course_content.html", {"course": found})
    return Fragment({"title": found.title, "content": content}, page_cache.valid_until(upcoming))


@require_http_methods(["GET", "HEAD", "POST"])
@cached_page(version=page_cache.catalogue_version)
def book(request: HttpRequest, pk: int) -> HttpResponse:
    # A booking counts the places again under the session's lock, so a POST loads the session
    # without them; they are added only if the form is shown again.
    posting = request.method == "POST"
    session = selectors.bookable_session(pk, places=not posting)
    if session is None:
        raise Http404
    holds_until(session.bookings_close_at)  # the form gives way to "bookings closed"
    form = BookingForm(posted(request), course=session.course)
    context = {
        "form": form,
        "session": session,
        "course": session.course,
        "cancel_free_until": selectors.cancellation_cutoff(session),
    }
    if not session.accepts_bookings():
        return render(request, "training/book_closed.html", context, status=410)
    if posting and form.is_valid():
        if over_limit(request, booking_limit(), address=form.cleaned_data["email"]):
            attach_places([session])
            return too_many_response(request, form, "training/book.html", context)
        try:
            record = booking_request(session=session, applicant=form.applicant())
        except BookingRefused as refused:
            form.add_error(None, refused.messages[0])
            attach_places([session])
            return render(request, "training/book.html", context, status=409)
        if isinstance(record, WaitingListEntry):
            outcome = "waiting"
        elif record.status == BookingStatus.AWAITING_APPROVAL:
            outcome = "approval"
        else:
            outcome = "booked"
        return redirect("training:booked", pk=session.pk, outcome=outcome)
    if posting:
        attach_places([session])
    return render(request, "training/book.html", context, status=form_status(form))


@require_safe
@cached_page(version=page_cache.catalogue_version)
def booked(request: HttpRequest, pk: int, outcome: str) -> HttpResponse:
    session = selectors.bookable_session(pk)
    if session is None or outcome not in {"waiting", "approval", "booked"}:
        raise Http404
    return render(request, "training/booked.html", {"session": session, "outcome": outcome})


@require_http_methods(["GET", "HEAD", "POST"])
def approval(request: HttpRequest, token: str) -> HttpResponse:
    """The manager's link: GET shows the request and two buttons; the POST decides."""
    try:
        booking_id = links.read_approval(token)
    except BadLink as bad:
        return bad_link(request, str(bad))
    booking = Booking.objects.select_related("session__course").filter(pk=booking_id).first()
    if booking is None:
        return bad_link(request, "This booking no longer exists.", status=404)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in {"approve", "decline"}:
            return bad_link(request, "Choose approve or decline.")
        try:
            booking = booking_decide(booking_id=booking.pk, approve=decision == "approve")
        except AlreadyDecided as already:
            return bad_link(request, already.messages[0], status=409)
        return render(request, "training/approval_done.html", {"booking": booking})
    if booking.status != BookingStatus.AWAITING_APPROVAL:
        return bad_link(
            request, "This request has already been answered. Nothing was changed.", status=409
        )
    return render(request, "training/approval.html", {"booking": booking})


@require_http_methods(["GET", "HEAD", "POST"])
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """A waiting-list offer: GET shows it with a button; the POST takes the place."""
    try:
        entry_id = links.read_offer(token)
    except BadLink as bad:
        return bad_link(request, str(bad))
    entry = WaitingListEntry.objects.select_related("session__course").filter(pk=entry_id).first()
    if entry is None:
        return bad_link(request, "This offer no longer exists.", status=404)
    if request.method == "POST":
        try:
            booking = offer_accept(entry_id=entry.pk)
        except BookingRefused as refused:
            return bad_link(request, refused.messages[0], status=409)
        return render(request, "training/offer_taken.html", {"booking": booking})
    if entry.status != WaitingStatus.OFFERED:
        return bad_link(request, "This offer is no longer open.", status=409)
    if entry.offer_expires_at and entry.offer_expires_at <= timezone.now():
        return bad_link(request, "This offer has expired.", status=409)
    return render(request, "training/offer.html", {"entry": entry})
