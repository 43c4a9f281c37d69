"""Inventory declaration, purpose and retention rule for contact form enquiries.

Retention: an enquiry is deleted **1 year** after it was received. Long enough to answer it,
to answer a follow-up and to look into a complaint about how it was handled; the reply itself
lives in the business unit's mailbox, under the council's email retention.
"""

from __future__ import annotations

from django.utils import timezone

from safeguarding.inventory.declarations import declare, not_personal, personal
from safeguarding.inventory.purposes import Purpose
from safeguarding.inventory.purposes import register as register_purpose
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.retention_rules import register as register_rule
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import LawfulBasis, Subject

ENQUIRIES = register_purpose(
    Purpose(
        key="enquiries",
        name="Answering questions sent with the contact form",
        description=(
            "To read and answer the questions people send us about training, the newsletter, "
            "our work or the information we hold about them."
        ),
        data_use="essential.service",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        recipients=("The partnership's business unit",),
    )
)

register_rule(
    RetentionRule(
        "enquiry",
        "the enquiry is received",
        365,
        Action.DELETE,
        reason="Long enough to answer it and any follow-up or complaint, no longer.",
    )
)


declare(
    "public.Enquiry",
    subject=Subject.ENQUIRER,
    purpose="enquiries",
    retention="enquiry",
    retention_trigger="received_at",
    subject_filter=by_email("email"),
    description="A message sent with the contact form.",
    label="Contact form message",
    describe=lambda enquiry: (
        f"message sent with the contact form on {timezone.localtime(enquiry.received_at):%-d %B %Y}"
    ),
    fields={
        **not_personal("id"),
        "kind": personal("user.content.private", note="what the enquiry is about"),
        "name": personal("user.name"),
        "email": personal("user.contact.email"),
        "message": personal("user.content.private"),
        "received_at": personal("system.operations"),
    },
)
