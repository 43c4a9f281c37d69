"""Every training email: rendered from templates/training/email/<name>.txt and
<name>_subject.txt by one background task that takes ids and reloads what it needs. The HTML
part puts the same words into templates/training/email/layout.html.

The confirmation carries an .ics calendar file made with the ``icalendar`` package. Its UID
is the booking's, and its SEQUENCE the session's ``calendar_sequence``: a change of time or
place sends the event again with a higher SEQUENCE, and a cancelled session sends METHOD:CANCEL
with the same UID and a higher SEQUENCE still, so calendars drop the event.
"""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import email_task, enqueue_in_transaction, header_text
from safeguarding.training import links
from safeguarding.training.models import Booking, Session, SessionMessage, WaitingListEntry
from safeguarding.training.selectors import cancellation_cutoff


def calendar_uid(booking_id: int) -> str:
    return f"booking-{booking_id}@{_host()}"


def calendar_file(session: Session, *, uid: str, cancel: bool = False, attendee: str = "") -> bytes:
    """The session as an iCalendar event; ``cancel`` makes it the METHOD:CANCEL that takes the
    event out of the calendar it was published to."""
    import icalendar  # here, not at the top: only a process that sends one needs it

    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.PARTNERSHIP['short_name']}//Training//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", session.calendar_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.course.title)
    event.add("location", session.where)
    event.add("description", session.joining_instructions or session.course.summary)
    if cancel:
        event.add("status", "CANCELLED")
        organiser = parseaddr(str(settings.DEFAULT_FROM_EMAIL))[1]
        event.add("organizer", f"mailto:{organiser}")
        if attendee:
            event.add("attendee", f"mailto:{attendee}")
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def _host() -> str:
    return str(settings.SITE_URL).split("://", 1)[-1].split("/", 1)[0]


def queue(
    name: str,
    *,
    booking: Booking | None = None,
    entry: WaitingListEntry | None = None,
    to_manager: bool = False,
    message: SessionMessage | None = None,
) -> None:
    """Send email ``name`` about a booking or waiting place once the transaction commits;
    ``message``: a coordinator's message to include."""
    enqueue_in_transaction(
        send_training_email,
        name=name,
        booking_id=booking.pk if booking else None,
        entry_id=entry.pk if entry else None,
        to_manager=to_manager,
        message_id=message.pk if message else None,
    )


@email_task("A training email")
def send_training_email(
    *,
    name: str,
    booking_id: int | None = None,
    entry_id: int | None = None,
    to_manager: bool = False,
    message_id: int | None = None,
) -> int:
    """Render and send one email; sends nothing if its record has gone since it was queued."""
    context: dict[str, Any] = {"partnership": settings.PARTNERSHIP}
    if message_id is not None:
        context["staff_message"] = SessionMessage.objects.filter(pk=message_id).first()
        if context["staff_message"] is None:
            return 0
    record: Booking | WaitingListEntry | None
    if booking_id is not None:
        record = Booking.objects.select_related("session__course").filter(pk=booking_id).first()
        if record is None:
            return 0
        context["booking"] = record
        context["my_training"] = links.my_training_url(record.email, booking_id=record.pk)
        if to_manager:
            context["approval"] = links.approval_url(record.pk)
    else:
        entry = (
            WaitingListEntry.objects.select_related("session__course")
            .filter(pk=entry_id or 0)
            .first()
        )
        if entry is None:
            return 0
        record = entry
        context["entry"] = entry
        context["my_training"] = links.my_training_url(entry.email, entry_id=entry.pk)
        context["offer"] = links.offer_url(entry.pk)
        if entry.offer_expires_at:
            context["offer_expires"] = timezone.localtime(entry.offer_expires_at)
    session = record.session
    context.update(
        session=session,
        course=session.course,
        starts=timezone.localtime(session.starts_at),
        ends=timezone.localtime(session.ends_at),
        course_url=absolute_url(reverse("training:course", args=[session.course_id])),
        your_data=absolute_url(reverse("your_data:start")),
    )
    if isinstance(record, Booking):
        last_moment = cancellation_cutoff(session) - timedelta(seconds=1)
        context["cancel_by_day"] = timezone.localtime(last_moment)
    subject = header_text(render_to_string(f"training/email/{name}_subject.txt", context))
    body = render_to_string(f"training/email/{name}.txt", context)
    message = EmailMultiAlternatives(
        subject=subject, body=body, to=[record.manager_email if to_manager else record.email]
    )
    # The HTML part is the same words in one accessible layout, links made clickable.
    html = render_to_string(
        "training/email/layout.html", {**context, "subject": subject, "text": body}
    )
    message.attach_alternative(html, "text/html")
    if name in ATTACH_CALENDAR and booking_id is not None:
        uid = calendar_uid(booking_id)
        message.attach("session.ics", calendar_file(session, uid=uid), "text/calendar")
    if name == CANCEL_CALENDAR and booking_id is not None:
        ics = calendar_file(
            session, uid=calendar_uid(booking_id), cancel=True, attendee=record.email
        )
        message.attach("cancelled.ics", ics, "text/calendar; method=CANCEL")
    return message.send()


ATTACH_CALENDAR = frozenset({"confirmed", "reminder", "session_changed"})
CANCEL_CALENDAR = "session_cancelled"
