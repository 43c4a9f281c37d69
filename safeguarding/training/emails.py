"""Every training email: rendered from templates/training/email/<name>.txt and
<name>_subject.txt by one background task that takes ids and reloads what it needs. The HTML
part puts the same words into templates/training/email/layout.html.

The confirmation carries an .ics calendar file made with the ``icalendar`` package.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import icalendar
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import email_task, enqueue_in_transaction, header_text
from safeguarding.training import links
from safeguarding.training.models import Booking, Session, WaitingListEntry


def calendar_file(session: Session, *, uid: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.PARTNERSHIP['short_name']}//Training//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.course.title)
    event.add("location", session.where)
    event.add("description", session.joining_instructions or session.course.summary)
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
) -> None:
    """Send email ``name`` about a booking or waiting place once the transaction commits."""
    enqueue_in_transaction(
        send_training_email,
        name=name,
        booking_id=booking.pk if booking else None,
        entry_id=entry.pk if entry else None,
        to_manager=to_manager,
    )


@email_task("A training email")
def send_training_email(
    *,
    name: str,
    booking_id: int | None = None,
    entry_id: int | None = None,
    to_manager: bool = False,
) -> int:
    """Render and send one email; sends nothing if its record has gone since it was queued."""
    context: dict[str, Any] = {"partnership": settings.PARTNERSHIP}
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
        from safeguarding.training.services import cancellation_cutoff

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
        uid = f"booking-{booking_id}@{_host()}"
        message.attach("session.ics", calendar_file(session, uid=uid), "text/calendar")
    return message.send()


ATTACH_CALENDAR = frozenset({"confirmed", "reminder"})
