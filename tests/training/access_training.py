"""Access table entries for the training staff pages (see tests/access.py).

The training coordinator runs the programme. A session's own trainer may also open that
session (tested in test_staff.py); nobody else may.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguarding.accounts.roles import Role
from safeguarding.training.models import Charge, ChargeReason
from tests.access import Access, only
from tests.training.factories import (
    BookingFactory,
    CourseFactory,
    SessionFactory,
    WaitingListEntryFactory,
)

COORDINATOR = only(Role.TRAINING_COORDINATOR)
# A POST that redirects back to the session page when it works.
COORDINATOR_POST = only(Role.TRAINING_COORDINATOR)
COORDINATOR_POST[Role.TRAINING_COORDINATOR] = 302


def _course() -> dict[str, Any]:
    return {"pk": CourseFactory().pk}


def _session() -> dict[str, Any]:
    return {"pk": SessionFactory().pk}


def _started_session() -> dict[str, Any]:
    start = timezone.now() - timedelta(hours=1)
    return {
        "pk": SessionFactory(
            starts_at=start, ends_at=start + timedelta(hours=3), bookings_close_at=start
        ).pk
    }


def _booking(**options: Any) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        return {"pk": BookingFactory(**options).pk}

    return make


def _waiting() -> dict[str, Any]:
    return {"pk": WaitingListEntryFactory().pk}


def _charge() -> dict[str, Any]:
    booking = BookingFactory()
    charge = Charge.objects.create(
        booking=booking, organisation=booking.organisation, reason=ChargeReason.NO_SHOW, amount=60
    )
    return {"pk": charge.pk}


ACCESS: dict[str, Access] = {
    "training:staff_home": Access(roles=COORDINATOR),
    "training:staff_no_shows": Access(roles=COORDINATOR),
    "training:staff_course_new": Access(roles=COORDINATOR),
    "training:staff_course": Access(roles=COORDINATOR, make_kwargs=_course),
    "training:staff_session_new": Access(roles=COORDINATOR, make_kwargs=_course),
    "training:staff_session": Access(roles=COORDINATOR, make_kwargs=_session),
    "training:staff_sign_in_sheet": Access(roles=COORDINATOR, make_kwargs=_session),
    "training:staff_attendance_csv": Access(roles=COORDINATOR, make_kwargs=_session),
    "training:staff_close": Access(roles=COORDINATOR, make_kwargs=_started_session),
    "training:staff_attendance": Access(
        method="post", roles=COORDINATOR_POST, make_kwargs=_session, data={"x": "1"}
    ),
    "training:staff_approve": Access(
        method="post",
        roles=COORDINATOR_POST,
        make_kwargs=_booking(status="awaiting_approval"),
        data={"x": "1"},
    ),
    "training:staff_move": Access(
        method="post", roles=COORDINATOR_POST, make_kwargs=_booking(), data={"x": "1"}
    ),
    "training:staff_course_edit": Access(roles=COORDINATOR, make_kwargs=_course),
    "training:staff_course_publish": Access(
        method="post", roles=COORDINATOR_POST, make_kwargs=_course, data={"published": "no"}
    ),
    "training:staff_session_edit": Access(roles=COORDINATOR, make_kwargs=_session),
    "training:staff_session_cancel": Access(roles=COORDINATOR, make_kwargs=_session),
    "training:staff_session_message": Access(roles=COORDINATOR, make_kwargs=_session),
    "training:staff_book": Access(roles=COORDINATOR, make_kwargs=_session),
    "training:staff_waiting_remove": Access(roles=COORDINATOR, make_kwargs=_waiting),
    "training:staff_certificate": Access(roles=COORDINATOR, make_kwargs=_booking()),
    "training:staff_charges": Access(roles=COORDINATOR),
    "training:staff_charges_csv": Access(roles=COORDINATOR),
    "training:staff_charge": Access(roles=COORDINATOR, make_kwargs=_charge),
    "training:staff_records": Access(roles=COORDINATOR),
    # The download is of the last search, kept in the session: without one, back to search.
    "training:staff_records_csv": Access(roles=COORDINATOR_POST),
    "training:staff_refreshers": Access(roles=COORDINATOR),
    "training:staff_refreshers_csv": Access(roles=COORDINATOR),
}
