"""What personal data learning and development holds, why, and for how long.

The booking form asks only for what running a session needs (promise P01): name, work email,
organisation, organisation type and role, plus optional access or dietary needs. A manager's
email is asked for only when the course needs a manager's approval.

Retention (the data protection lead can change each period in the retention pages):
- bookings, attendance, charges and certificates: 6 years after the session;
- access and dietary needs: 30 days after the session;
- evaluation answers: 2 years after they are given;
- waiting-list places (including expired offers): 30 days after they end;
- bookings a manager declined, or never answered: 30 days, by the daily
  ``training.prune_unconfirmed`` job.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeguarding.inventory.declarations import (
    Correction,
    FindBy,
    declare,
    not_personal,
    personal,
)
from safeguarding.inventory.purposes import Purpose
from safeguarding.inventory.purposes import register as register_purpose
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.retention_rules import register as register_rule
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import LawfulBasis, SpecialCondition, Subject
from safeguarding.training.erasure import booking_erasure_effect, bookings_erased
from safeguarding.training.services import BOOKING_CORRECTIONS, booking_correct

TRAINING_DELIVERY = register_purpose(
    Purpose(
        key="training_delivery",
        name="Providing safeguarding learning and development",
        description=(
            "To book you on to training, tell you about your session, keep a waiting list, "
            "record attendance, issue certificates, learn from your evaluation, and charge "
            "your organisation for late cancellations and places not used."
        ),
        data_use="essential.service",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        recipients=("Your trainer", "Your manager, when the course needs their approval"),
    )
)
TRAINING_ACCESS_NEEDS = register_purpose(
    Purpose(
        key="training_access_needs",
        name="Meeting your access and dietary needs at training",
        description=(
            "To make the adjustments you ask for at a session. Only the session's coordinator "
            "and trainer see what you tell us, and it is deleted 30 days after the session."
        ),
        data_use="essential.service",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        special_condition=SpecialCondition.EQUALITY,
        recipients=("The session's coordinator and trainer",),
    )
)

register_rule(RetentionRule("training_record", "the session takes place", 365 * 6, Action.DELETE))
register_rule(RetentionRule("training_access_needs", "the session takes place", 30, Action.DELETE))
register_rule(RetentionRule("training_evaluation", "the answers are given", 365 * 2, Action.DELETE))
register_rule(
    RetentionRule(
        "training_unconfirmed",
        "the waiting-list place or offer ends, or a manager declines a booking",
        30,
        Action.DELETE,
    )
)
register_rule(
    RetentionRule(
        "training_programme",
        "the course is created",
        0,
        Action.KEEP,
        reason=(
            "The programme of courses and sessions is the partnership's own record of training; "
            "it names only the staff trainer's account, which is anonymised when it closes."
        ),
    )
)


def _on(session: Any) -> str:
    """A session in plain words: "Working together, 25 January 2027"."""
    return f"{session.course.title}, {timezone.localtime(session.starts_at):%-d %B %Y}"


_LEARNER = {
    "full_name": personal("user.name"),
    "email": personal("user.contact.email"),
    "organisation": personal("user.workplace"),
    "organisation_type": personal("user.workplace"),
    "role": personal("user.job_title"),
    "manager_email": personal("user.contact.email", note="only when approval is needed"),
    "status": personal("user.behavior"),
}

declare(
    "training.Course",
    retention="training_programme",
    fields=not_personal(
        "id",
        "title",
        "summary",
        "outcomes",
        "audience",
        "level",
        "format",
        "topic",
        "prerequisites",
        "eligible_organisation_types",
        "needs_manager_approval",
        "late_cancellation_charge",
        "no_show_charge",
        "refresher_valid_months",
        "evaluation_required",
        "is_published",
        "created_at",
    ),
)
declare(
    "training.Session",
    subject=Subject.STAFF,
    subject_filter=by_email("trainer__email"),
    purpose="training_delivery",
    retention="training_programme",
    label="Training session (as the trainer)",
    describe=lambda session: f"training session {_on(session)} (as the trainer)",
    related=("course",),
    fields={
        **not_personal(
            "id",
            "course",
            "starts_at",
            "ends_at",
            "venue",
            "online",
            "joining_instructions",
            "capacity",
            "bookings_close_at",
            "status",
            "closed_at",
            "cancelled_at",
            "calendar_sequence",
        ),
        "trainer": personal("user.unique_id", note="the staff member who trains"),
    },
)
declare(
    "training.Booking",
    subject=Subject.PRACTITIONER,
    purpose="training_delivery",
    retention="training_record",
    retention_trigger="session__ends_at",
    subject_filter=by_email("email"),
    corrections={
        name: Correction(
            label,
            lambda booking, value, *, actor, name=name: booking_correct(
                booking=booking, field_name=name, value=value, actor=actor
            ),
        )
        for name, label in BOOKING_CORRECTIONS.items()
    },
    description="Your bookings, attendance and reminders for training sessions.",
    label="Training booking",
    describe=lambda booking: f"booking on {_on(booking.session)}",
    related=("session__course",),
    erasure_effect=booking_erasure_effect,
    on_erasure=bookings_erased,
    find_by=FindBy(email="email", name="full_name"),
    fields={
        **not_personal("id", "session"),
        **_LEARNER,
        "created_at": personal("user.behavior"),
        "decided_at": personal("user.behavior"),
        "cancelled_at": personal("user.behavior"),
        "attendance": personal("user.behavior"),
        "first_reminder_sent_at": personal("system.operations"),
        "last_reminder_sent_at": personal("system.operations"),
        "follow_up_invited_at": personal("system.operations"),
        "cancelled_by_partnership": personal("user.behavior"),
    },
)
declare(
    "training.WaitingListEntry",
    subject=Subject.PRACTITIONER,
    purpose="training_delivery",
    retention="training_unconfirmed",
    retention_trigger=lambda: Coalesce(F("resolved_at"), F("session__ends_at")),
    subject_filter=by_email("email"),
    description="Your places on waiting lists, and the places we offered you.",
    label="Waiting-list place",
    describe=lambda entry: f"place on the waiting list for {_on(entry.session)}",
    related=("session__course",),
    find_by=FindBy(email="email", name="full_name"),
    fields={
        **not_personal("id", "session"),
        **_LEARNER,
        "joined_at": personal("user.behavior"),
        "offered_at": personal("user.behavior"),
        "offer_expires_at": personal("user.behavior"),
        "resolved_at": personal("user.behavior"),
        "booking": personal("user.unique_id", note="the booking the offer became"),
        "removal_reason": personal(
            "user.behavior", note="why the training team took them off the list"
        ),
    },
)
declare(
    "training.AccessNeeds",
    subject=Subject.PRACTITIONER,
    purpose="training_access_needs",
    retention="training_access_needs",
    retention_trigger="session__ends_at",
    subject_filter=by_email("booking__email", "waiting_entry__email"),
    description="Access or dietary needs you told us about for a session.",
    label="Access or dietary needs",
    describe=lambda needs: f"access or dietary needs for {_on(needs.session)}",
    related=("session__course",),
    fields={
        **not_personal("id", "session"),
        "booking": personal("user.unique_id"),
        "waiting_entry": personal("user.unique_id"),
        "details": personal(
            "user.health_and_medical", note="free text; may describe a disability or condition"
        ),
        "created_at": personal("user.behavior"),
    },
)
declare(
    "training.Charge",
    subject=Subject.PRACTITIONER,
    purpose="training_delivery",
    retention="training_record",
    retention_trigger="booking__session__ends_at",
    subject_filter=by_email("booking__email"),
    description="Charges to your organisation for a late cancellation or a place not used.",
    label="Training charge",
    describe=lambda charge: (
        f"charge for {_on(charge.booking.session)} ({charge.get_reason_display().lower()})"
    ),
    related=("booking__session__course",),
    fields={
        **not_personal("id"),
        "booking": personal("user.unique_id"),
        "organisation": personal("user.workplace"),
        "reason": personal("user.behavior"),
        "amount": personal("user.financial"),
        "created_at": personal("user.behavior"),
        "status": personal("user.financial", note="invoiced or waived"),
        "decided_at": personal("user.financial"),
        "decided_by": personal("user.unique_id", note="the coordinator who decided"),
        "decision_reason": personal("user.financial", note="invoice reference or why waived"),
    },
)
declare(
    "training.Certificate",
    subject=Subject.PRACTITIONER,
    purpose="training_delivery",
    retention="training_record",
    retention_trigger="booking__session__ends_at",
    subject_filter=by_email("booking__email"),
    description="Certificates of attendance, and the codes that verify them.",
    label="Training certificate",
    describe=lambda certificate: f"certificate for {_on(certificate.booking.session)}",
    related=("booking__session__course",),
    fields={
        **not_personal("id"),
        "booking": personal("user.unique_id"),
        "code": personal("user.unique_id", note="verification code printed on the certificate"),
        "issued_at": personal("user.behavior"),
        "expires_on": personal("user.behavior"),
        "issued_by": personal("user.unique_id", note="the coordinator who issued it by hand"),
        "issue_reason": personal("user.behavior", note="why it was issued by hand"),
        "times_reissued": personal("user.behavior"),
    },
)
declare(
    "training.Evaluation",
    subject=Subject.PRACTITIONER,
    purpose="training_delivery",
    retention="training_evaluation",
    retention_trigger="submitted_at",
    subject_filter=by_email("booking__email"),
    description="Your answers to evaluation forms after a course.",
    label="Course evaluation",
    describe=lambda evaluation: f"evaluation of {_on(evaluation.booking.session)}",
    related=("booking__session__course",),
    fields={
        **not_personal("id"),
        "booking": personal("user.unique_id"),
        "kind": personal("user.behavior"),
        "rating": personal("user.content.private"),
        "confidence": personal("user.content.private"),
        "comments": personal("user.content.private"),
        "submitted_at": personal("user.behavior"),
    },
)
declare(
    "training.SessionMessage",
    subject=Subject.STAFF,
    subject_filter=by_email("sent_by__email"),
    purpose="training_delivery",
    retention="training_programme",
    fields={
        **not_personal(
            "id", "session", "subject", "body", "is_cancellation", "recipients", "sent_at"
        ),
        "sent_by": personal("user.unique_id", note="the coordinator who sent it"),
    },
)
declare(
    "training.CatalogueVersion",
    fields=not_personal("id", "value"),
)
