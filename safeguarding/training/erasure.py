"""What erasing a booking means for training (``erasure_effect`` and ``on_erasure`` in the
booking's inventory declaration): a booking for a session still to come frees a place, which
is offered to the waiting list as a cancellation's would be, and the session's trainer is
told, without the learner's name, so their list is right."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.core.tasks import deliver_email, email_task, enqueue_in_transaction
from safeguarding.training.models import HOLDING, Booking, BookingStatus, Session
from safeguarding.training.selectors import places_left
from safeguarding.training.services import locked_session, offer_free_places


def _upcoming_place(booking: Booking) -> bool:
    return booking.status in HOLDING and booking.session.starts_at > timezone.now()


def booking_erasure_effect(booking: Booking) -> str:
    """What erasing this booking changes for someone else, in words, or ""."""
    if not _upcoming_place(booking):
        return ""
    if booking.session.trainer_id is None:
        return (
            "Upcoming: the place is freed and offered to anyone waiting (no trainer is named "
            "for the session)"
        )
    return "Upcoming: the place is freed and offered to anyone waiting, and the trainer is told"


def bookings_erased(bookings: list[Booking]) -> None:
    """Called by an erasure, in its transaction, just before these bookings go. Each upcoming
    place is given up first, so the freed places go to the waiting list as a cancellation's
    do (the offers are undone with the erasure if it is refused), and each upcoming session's
    trainer is emailed once (the task takes the session's id only). The learner is not sent
    a cancellation email: they asked for their data to go."""
    upcoming = [booking for booking in bookings if _upcoming_place(booking)]
    now = timezone.now()
    for session_id in sorted({booking.session_id for booking in upcoming}):
        locked_session(session_id)  # the lock a cancellation takes, before the places
        Booking.objects.filter(
            pk__in=[b.pk for b in upcoming if b.session_id == session_id]
        ).update(status=BookingStatus.CANCELLED, cancelled_at=now)
        offer_free_places(session_id=session_id, now=now)
    told = {booking.session_id for booking in upcoming if booking.session.trainer_id is not None}
    for session_id in sorted(told):
        enqueue_in_transaction(send_place_released_email, session_id=session_id)


@email_task("A training email to a trainer")
def send_place_released_email(*, session_id: int) -> int:
    session = Session.objects.select_related("course", "trainer").filter(pk=session_id).first()
    if session is None or session.trainer is None or not session.trainer.email:
        return 0
    context = {
        "session": session,
        "course": session.course,
        "starts": timezone.localtime(session.starts_at),
        "places_left": places_left(session),
        "partnership": settings.PARTNERSHIP,
    }
    return deliver_email(
        subject=render_to_string("training/email/place_released_subject.txt", context),
        body=render_to_string("training/email/place_released.txt", context),
        to=[session.trainer.email],
    )
