"""Staff training pages (MFA enforced by middleware). The training coordinator runs the
programme; a session's trainer may open that session: its bookings, access needs, attendance,
sign-in sheet and close. Anyone else gets 403."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import staff_user, staff_user_with_role
from safeguarding.audit.services import audit_read
from safeguarding.core.forms import posted
from safeguarding.training import selectors
from safeguarding.training.forms_staff import CourseForm, MoveForm, SessionForm
from safeguarding.training.models import Attendance, Booking, BookingStatus, Course, Session
from safeguarding.training.services import (
    AlreadyDecided,
    BookingRefused,
    booking_approve_by_staff,
)
from safeguarding.training.staff_services import (
    attendance_csv,
    attendance_mark,
    booking_move,
    course_create,
    session_close,
    session_create,
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
    form = CourseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        prerequisites = data.pop("prerequisites")
        try:
            course = course_create(actor=actor, fields=data, prerequisites=prerequisites)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Course {course.title} created.")
            return redirect("training:staff_course", pk=course.pk)
    return render(request, "training/staff/course_form.html", {"form": form})


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
    form = SessionForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            session = session_create(actor=actor, course=course, fields=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Session created.")
            return redirect("training:staff_session", pk=session.pk)
    return render(request, "training/staff/session_form.html", {"form": form, "course": course})


@require_safe
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session(request, pk)
    bookings = list(selectors.session_bookings(session))
    waiting = list(selectors.session_waiting_list(session))
    _audit_access_needs_shown(user, session, [*bookings, *waiting])
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
        },
    )


@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user, session = _session(request, pk)
    marks: dict[int, str] = {}
    for key in request.POST:
        booking_id = key.removeprefix("attendance-")
        if key.startswith("attendance-") and booking_id.isdigit():
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
