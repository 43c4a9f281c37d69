"""Writes for the public site: a contact form enquiry."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string

from safeguarding.audit.services import audit_log
from safeguarding.core.addresses import normalise_email
from safeguarding.core.tasks import deliver_email, email_task, enqueue_in_transaction
from safeguarding.public.models import Enquiry, EnquiryKind


def enquiry_submit(*, kind: str, name: str, email: str, message: str) -> Enquiry:
    """Keep the enquiry and, once committed, email it to the business unit's inbox.

    A Freedom of Information request is not an enquiry we keep: the form answers it (P15).
    """
    if kind == EnquiryKind.FREEDOM_OF_INFORMATION:
        raise ValueError("Freedom of Information requests are answered, not stored")
    enquiry = Enquiry(
        kind=kind, name=name.strip(), email=normalise_email(email), message=message.strip()
    )
    enquiry.full_clean()
    with transaction.atomic(durable=True):
        enquiry.save()
        audit_log(
            action="public.enquiry.received",
            actor=None,
            target=enquiry,
            details={"kind": kind},
        )
        # The task reads the enquiry by id: what the person wrote never sits in the queue.
        enqueue_in_transaction(send_enquiry, enquiry_id=enquiry.pk)
    return enquiry


@email_task("A contact form enquiry to the business unit")
def send_enquiry(*, enquiry_id: int) -> int:
    """Email an enquiry to the business unit's inbox; nothing if it has been deleted since."""
    enquiry = Enquiry.objects.filter(pk=enquiry_id).first()
    if enquiry is None:
        return 0
    context = {"enquiry": enquiry, "kind": enquiry.get_kind_display()}
    return deliver_email(
        subject=render_to_string("public/email/enquiry_subject.txt", context),
        body=render_to_string("public/email/enquiry.txt", context),
        to=[settings.BUSINESS_UNIT_INBOX],
        reply_to=[enquiry.email],  # answering the email answers the person who wrote
    )
