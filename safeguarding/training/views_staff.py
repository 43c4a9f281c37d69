"""Staff training pages (MFA enforced by middleware). The training coordinator runs the
programme; a session's trainer may open that session: its bookings, access needs, attendance,
sign-in sheet and close. Anyone else gets 403."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import staff_user, staff_user_with_role
from safeguarding.audit.services import audit_read
from safeguarding.core.form_views import form_page, form_status
from safeguarding.core.forms import LARGEST_ID, posted
from safeguarding.training import selectors
from safeguarding.training.certificates import certificate_issue_by_hand, earns_certificate
from safeguarding.training.forms_staff import (
    CancelSessionForm,
    ChargeDecisionForm,
    ChargeFilterForm,
    CourseForm,
    MoveForm,
    ReasonForm,
    RecordsForm,
    SessionForm,
    SessionMessageForm,
    StaffBookingForm,
)
from safeguarding.training.models import (
    ACTIVE_WAITING,
    Attendance,
    Booking,
    BookingStatus,
    Charge,
    Course,
    Session,
    SessionStatus,
    WaitingListEntry,
)
from safeguarding.training.services import (
    AlreadyDecided,
    BookingRefused,
    booking_approve_by_staff,
    booking_request,
    waiting_remove,
)
from safeguarding.training.staff_services import (
    attendance_csv,
    attendance_mark,
    booking_move,
    charge_decide,
    charges_csv,
    course_create,
    course_set_published,
    course_update,
    records_csv,
    refreshers_csv,
    session_cancel,
    session_close,
    session_create,
    session_message,
    session_update,
)


def _coordinator(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.TRAINING_COORDINATOR)


def _session(request: HttpRequest, pk: int) -> tuple[User, Session]:
    user = staff_user(request)
    session = selectors.session_for_staff(user, pk)
    if session is None:
        raise PermissionDenied
    return user, session


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = _coordinator(request)
    sessions = list(selectors.staff_sessions(user)[:200])
    return render(
        request,
        "training/staff/home.html",
        {"sessions": sessions, "courses": Course.objects.order_by("title")},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    actor = _coordinator(request)

    def create(data: dict[str, Any]) -> Course:
        fields = dict(data)
        prerequisites = fields.pop("prerequisites")
        return course_create(actor=actor, fields=fields, prerequisites=prerequisites)

    return form_page(
        request,
        CourseForm(posted(request)),
        template="training/staff/course_form.html",
        service=create,
        message=lambda course: f"Course {course.title} created.",
        success_url=lambda course: reverse("training:staff_course", args=[course.pk]),
    )


@require_safe
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _coordinator(request)
    course = get_object_or_404(Course, pk=pk)
    sessions = list(selectors.with_places(course.sessions.all()).order_by("-starts_at"))
    return render(
        request,
        "training/staff/course.html",
        {
            "course": course,
            "sessions": sessions,
            "summary": selectors.evaluation_summary(course),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    course = get_object_or_404(Course, pk=pk)
    return form_page(
        request,
        SessionForm(posted(request)),
        template="training/staff/session_form.html",
        context={"course": course},
        service=lambda data: session_create(actor=actor, course=course, fields=data),
        message="Session created.",
        success_url=lambda session: reverse("training:staff_session", args=[session.pk]),
    )


@require_safe
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session(request, pk)
    bookings = list(selectors.session_bookings(session))
    waiting = list(selectors.session_waiting_list(session))
    _audit_access_needs_shown(user, session, [*bookings, *waiting])
    evaluated = selectors.sessions_evaluated(session)
    for booking in bookings:
        booking.evaluated = sorted(evaluated.get(booking.pk, ()))  # type: ignore[attr-defined]
        booking.earns_certificate = earns_certificate(booking.attendance)  # type: ignore[attr-defined]
    return render(
        request,
        "training/staff/session.html",
        {
            "session": session,
            "bookings": bookings,
            "waiting": waiting,
            "attendance_choices": Attendance.choices,
            "is_coordinator": selectors.is_coordinator(user),
            "move_form": MoveForm(current=session),
            "started": session.starts_at <= timezone.now(),
            "evaluations": selectors.session_evaluations(session),
            "session_messages": list(session.messages.all()[:20]),
        },
    )


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session(request, pk)
    marks: dict[int, str] = {}
    for key in request.POST:
        booking_id = key.removeprefix("attendance-")
        # An id no database column could hold belongs to no booking here (SQLite would
        # raise OverflowError when asked about it).
        if (
            key.startswith("attendance-")
            and booking_id.isdecimal()
            and int(booking_id) <= LARGEST_ID
        ):
            marks[int(booking_id)] = request.POST.get(key, "")
    try:
        changed = attendance_mark(session=session, marks=marks, actor=user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Attendance saved ({changed} changed).")
    return redirect("training:staff_session", pk=session.pk)


def _audit_access_needs_shown(user: User, session: Session, people: list[Any]) -> None:
    """Access needs are health data: a page that shows any records the read and its purpose."""
    shown = sum(1 for person in people if getattr(person, "access_needs", None) is not None)
    if shown:
        audit_read(
            actor=user,
            what="training.access_needs",
            purpose="running the session",
            target=session,
            records=shown,
        )


@require_safe
def sign_in_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    _user, session = _session(request, pk)
    bookings = Booking.objects.filter(session=session, status=BookingStatus.CONFIRMED).order_by(
        "full_name", "pk"
    )
    return render(
        request, "training/staff/sign_in_sheet.html", {"session": session, "bookings": bookings}
    )


@require_safe
def attendance_export(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session(request, pk)
    response = HttpResponse(
        attendance_csv(session=session, actor=user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="attendance-session-{session.pk}.csv"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session(request, pk)
    if request.method == "POST":
        try:
            session_close(session=session, actor=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "Session closed.")
        return redirect("training:staff_session", pk=session.pk)
    return render(request, "training/staff/close.html", {"session": session})


def _staff_booking(pk: int) -> Booking:
    return get_object_or_404(Booking.objects.select_related("session__course"), pk=pk)


@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    booking = _staff_booking(pk)
    try:
        booking_approve_by_staff(booking=booking, actor=actor)
    except AlreadyDecided as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Booking approved.")
    return redirect("training:staff_session", pk=booking.session_id)


@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    booking = _staff_booking(pk)
    form = MoveForm(request.POST, current=booking.session)
    if not form.is_valid():
        messages.error(request, "Choose a session to move them to.")
        return redirect("training:staff_session", pk=booking.session_id)
    try:
        booking_move(booking=booking, to_session=form.cleaned_data["to_session"], actor=actor)
    except BookingRefused as error:
        messages.error(request, error.messages[0])
        return redirect("training:staff_session", pk=booking.session_id)
    messages.success(request, "Booking moved.")
    return redirect("training:staff_session", pk=form.cleaned_data["to_session"].pk)


@require_safe
def no_shows(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return render(request, "training/staff/no_shows.html", {"rows": selectors.repeated_no_shows()})


# --- Changing the programme ------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    course = get_object_or_404(Course, pk=pk)

    def update(data: dict[str, Any]) -> None:
        fields = dict(data)
        prerequisites = fields.pop("prerequisites")
        course_update(course=course, actor=actor, fields=fields, prerequisites=prerequisites)

    return form_page(
        request,
        CourseForm(posted(request), instance=course),
        template="training/staff/course_form.html",
        context={"course": course},
        service=update,
        message="Course changes saved.",
        success_url=reverse("training:staff_course", args=[course.pk]),
    )


@require_POST
def course_publish(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    course = get_object_or_404(Course, pk=pk)
    published = request.POST.get("published") == "yes"
    try:
        course_set_published(course=course, published=published, actor=actor)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            "The course is in the public catalogue."
            if published
            else "The course is out of the public catalogue. Existing bookings stay.",
        )
    return redirect("training:staff_course", pk=course.pk)


def _coordinator_session(request: HttpRequest, pk: int) -> tuple[User, Session]:
    user = _coordinator(request)
    session = selectors.session_for_staff(user, pk)
    if session is None:
        raise PermissionDenied
    return user, session


@require_http_methods(["GET", "HEAD", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor, session = _coordinator_session(request, pk)
    if session.status != SessionStatus.SCHEDULED:
        messages.error(request, "Only a scheduled session can be changed.")
        return redirect("training:staff_session", pk=session.pk)
    return form_page(
        request,
        SessionForm(posted(request), instance=session),
        template="training/staff/session_form.html",
        context={"course": session.course, "session": session},
        service=lambda data: session_update(session=session, actor=actor, fields=data),
        message="Session changes saved.",
        success_url=reverse("training:staff_session", args=[session.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, session = _coordinator_session(request, pk)
    return form_page(
        request,
        CancelSessionForm(posted(request)),
        template="training/staff/session_cancel.html",
        context={"session": session},
        service=lambda data: session_cancel(session=session, actor=actor, message=data["message"]),
        message=lambda note: f"Session cancelled. We are emailing {_people(note.recipients)}.",
        success_url=reverse("training:staff_session", args=[session.pk]),
    )


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"


@require_http_methods(["GET", "HEAD", "POST"])
def session_message_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor, session = _coordinator_session(request, pk)
    return form_page(
        request,
        SessionMessageForm(posted(request)),
        template="training/staff/session_message.html",
        context={"session": session},
        service=lambda data: session_message(session=session, actor=actor, **data),
        message=lambda note: f"Message sent to {_people(note.recipients)}.",
        success_url=reverse("training:staff_session", args=[session.pk]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def book_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    actor, session = _coordinator_session(request, pk)
    form = StaffBookingForm(posted(request), course=session.course)
    return form_page(
        request,
        form,
        template="training/staff/book.html",
        context={"session": session},
        service=lambda data: booking_request(
            session=session, applicant=form.applicant(), actor=actor
        ),
        message=_booked_on_behalf,
        success_url=reverse("training:staff_session", args=[session.pk]),
    )


def _booked_on_behalf(record: Booking | WaitingListEntry) -> str:
    name = record.full_name
    if isinstance(record, WaitingListEntry):
        return f"The session is full: {name} is on the waiting list."
    if record.status == BookingStatus.AWAITING_APPROVAL:
        return f"{name} is booked, waiting for their manager's approval."
    return f"{name} is booked."


@require_http_methods(["GET", "HEAD", "POST"])
def waiting_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    entry = get_object_or_404(
        WaitingListEntry.objects.select_related("session__course"),
        pk=pk,
        status__in=ACTIVE_WAITING,
    )
    form = ReasonForm(
        posted(request),
        label="Why are you removing them?",
        required="Enter why you are removing them from the waiting list",
        hint="Kept with the record and in the audit trail; not sent to them.",
    )
    return form_page(
        request,
        form,
        template="training/staff/waiting_remove.html",
        context={"entry": entry},
        service=lambda data: waiting_remove(entry_id=entry.pk, reason=data["reason"], actor=actor),
        message=f"{entry.full_name} is off the waiting list.",
        success_url=reverse("training:staff_session", args=[entry.session_id]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def certificate_issue(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    booking = get_object_or_404(
        Booking.objects.select_related("session__course", "certificate"), pk=pk
    )
    existing = getattr(booking, "certificate", None)
    form = ReasonForm(
        posted(request),
        label="Why are you issuing it?" if existing is None else "Why are you reissuing it?",
        required="Enter why you are issuing this certificate",
        hint="For example, they left early for an emergency and caught up, or their name "
        "was corrected.",
    )
    return form_page(
        request,
        form,
        template="training/staff/certificate.html",
        context={"booking": booking, "existing": existing},
        service=lambda data: certificate_issue_by_hand(
            booking_id=booking.pk, reason=data["reason"], actor=actor
        ),
        message=f"Certificate {'reissued' if existing else 'issued'} to {booking.full_name}. "
        "We are emailing it to them.",
        success_url=reverse("training:staff_session", args=[booking.session_id]),
    )


# --- Charges ---------------------------------------------------------------------------------


def _charge_filters(request: HttpRequest) -> tuple[ChargeFilterForm, Any]:
    form = ChargeFilterForm(request.GET or None, organisations=selectors.charged_organisations())
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    return form, selectors.charges(
        organisation=data.get("organisation", ""),
        start=data.get("start"),
        end=data.get("end"),
        status=data.get("status", ""),
    )


@require_safe
def charges(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    form, rows = _charge_filters(request)
    rows = list(rows[:500]) if rows is not None else []
    return render(
        request,
        "training/staff/charges.html",
        {
            "form": form,
            "rows": rows,
            "total": sum(row.amount for row in rows),
            "query": request.GET.urlencode(),
        },
        status=form_status(form),
    )


@require_safe
def charges_export(request: HttpRequest) -> HttpResponse:
    actor = _coordinator(request)
    _form, rows = _charge_filters(request)
    if rows is None:
        messages.error(request, "Correct the filters, then download the charges.")
        return redirect("training:staff_charges")
    return _csv(charges_csv(charges=rows, actor=actor), "training-charges.csv")


def _csv(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def charge_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _coordinator(request)
    charge = get_object_or_404(
        Charge.objects.select_related("booking__session__course", "decided_by"), pk=pk
    )
    form = ChargeDecisionForm(posted(request))
    return form_page(
        request,
        form,
        template="training/staff/charge.html",
        context={"charge": charge},
        service=lambda data: charge_decide(charge=charge, actor=actor, **data),
        message=lambda _charge: f"Charge marked {form.cleaned_data['status']}.",
        success_url=reverse("training:staff_charges"),
    )


# --- Reports ---------------------------------------------------------------------------------


RECORDS_SEARCH_KEY = "training.records_search"


def _records_search(request: HttpRequest) -> dict[str, str] | None:
    """The last search for training records: kept in the session, never in the address, as
    it holds a person's name or email address."""
    search = request.session.get(RECORDS_SEARCH_KEY)
    return search if isinstance(search, dict) else None


@require_http_methods(["GET", "HEAD", "POST"])
def records(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    search = _records_search(request)
    rows = None
    if request.method != "POST" and search:
        rows = list(selectors.training_records(**search)[:500])

    def remember(data: dict[str, Any]) -> None:
        request.session[RECORDS_SEARCH_KEY] = {
            "person": data["person"].strip(),
            "organisation": data["organisation"].strip(),
        }

    return form_page(
        request,
        RecordsForm(posted(request), initial=search or {}),
        template="training/staff/records.html",
        context={"rows": rows},
        service=remember,
        success_url=reverse("training:staff_records"),
    )


@require_safe
def records_export(request: HttpRequest) -> HttpResponse:
    actor = _coordinator(request)
    search = _records_search(request)
    if not search:
        messages.error(request, "Find the records first, then download them.")
        return redirect("training:staff_records")
    rows = selectors.training_records(**search)
    return _csv(records_csv(rows=rows, actor=actor), "training-records.csv")


@require_safe
def refreshers(request: HttpRequest) -> HttpResponse:
    _coordinator(request)
    return render(
        request,
        "training/staff/refreshers.html",
        {"rows": _refreshers_due(), "days": settings.TRAINING_REFRESHER_WARNING_DAYS},
    )


def _refreshers_due() -> list[selectors.RefresherDue]:
    return selectors.refreshers_due(within_days=settings.TRAINING_REFRESHER_WARNING_DAYS)


@require_safe
def refreshers_export(request: HttpRequest) -> HttpResponse:
    actor = _coordinator(request)
    return _csv(refreshers_csv(rows=_refreshers_due(), actor=actor), "refreshers-due.csv")
