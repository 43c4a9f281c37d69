"""Training's part of P01 for check_promises (``safeguarding.core.promises``): the booking
form asks only the declared minimum, and no session holds more places than it has."""

from __future__ import annotations

from django.db.models import F

from safeguarding.core.promises import Outcome, promise
from safeguarding.inventory.declarations import PersonalField, declaration_for
from safeguarding.training.forms import APPROVAL_FIELD, BOOKING_FIELDS, BookingForm
from safeguarding.training.models import AccessNeeds, Booking, Course, Session
from safeguarding.training.selectors import with_places

# Where each question's answer is stored; each must be a declared personal field.
STORED_IN = {
    "full_name": (Booking, "full_name"),
    "email": (Booking, "email"),
    "organisation": (Booking, "organisation"),
    "organisation_type": (Booking, "organisation_type"),
    "role": (Booking, "role"),
    "access_needs": (AccessNeeds, "details"),
    APPROVAL_FIELD: (Booking, "manager_email"),
}


def booking_form_problems() -> list[str]:
    """Questions the booking form asks beyond the declared minimum, or whose answers are
    stored in a field without a declared purpose. Empty when P01 holds for training."""
    problems = []
    for needs_approval in (False, True):
        course = Course(needs_manager_approval=needs_approval)
        asked = list(BookingForm(course=course).fields)
        allowed = [*BOOKING_FIELDS, *([APPROVAL_FIELD] if needs_approval else [])]
        problems += [f"the booking form asks for {name}" for name in asked if name not in allowed]
    for question, (model, field_name) in STORED_IN.items():
        declaration = declaration_for(model)
        declared = declaration.fields.get(field_name) if declaration else None
        if not isinstance(declared, PersonalField) or not (
            declared.purpose or (declaration and declaration.purpose)
        ):
            problems.append(f"{question} is stored without a declared purpose")
    return problems


def overbooked_sessions() -> list[int]:
    """Ids of sessions whose bookings and open offers exceed their capacity."""
    return list(
        with_places(Session.objects.all())
        .filter(capacity__lt=F("booked") + F("offered"))
        .values_list("pk", flat=True)
    )


@promise("P01")
def booking_asks_only_what_training_needs() -> tuple[Outcome, str]:
    problems = booking_form_problems()
    if problems:
        return Outcome.FAIL, f"training booking form: {problems[0]}"
    sessions = overbooked_sessions()
    if sessions:
        return Outcome.FAIL, f"training sessions over capacity: {sessions}"
    return (
        Outcome.PASS,
        "the booking form asks only name, work email, organisation, its type, role and "
        "optional access needs (a manager's email only where approval is needed); no session "
        "holds more places than its capacity",
    )
