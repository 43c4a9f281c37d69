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
from tests.access import Access, only
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

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
}
