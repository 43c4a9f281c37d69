"""What personal data the newsletter holds, why, and for how long."""

from __future__ import annotations

from django.db.models import Case, DateTimeField, Exists, F, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import (
    Correction,
    FindBy,
    declare,
    not_personal,
    personal,
)
from safeguarding.inventory.purposes import Purpose, register
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.subjects import SubjectKey, by_email
from safeguarding.inventory.taxonomy import LawfulBasis, Subject
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import Consent
from safeguarding.newsletter.services import subscriber_correct_name

NEWSLETTER = register(
    Purpose(
        key="newsletter",
        name="Sending the newsletters and news you asked for",
        description=(
            "To send the partnership's newsletter, learning and development news and news of "
            "events to people who asked for them and confirmed their address, to keep a "
            "record of that consent, and to make sure nobody who left is mailed again."
        ),
        data_use="marketing.communications.email",
        lawful_basis=LawfulBasis.CONSENT,
        recipients=("The partnership's communications officers", "Our email delivery service"),
    )
)

retention_rules.register(
    RetentionRule(
        "newsletter_subscriber",
        "the sign-up if the address is never confirmed, or after the last topic the person chose "
        "is retired",
        7,
        Action.DELETE,
    )
)
retention_rules.register(
    RetentionRule(
        "newsletter_consent_ended",
        "the consent is withdrawn, or given and never confirmed",
        7,
        Action.DELETE,
    )
)
retention_rules.register(
    RetentionRule("newsletter_delivery", "the message is sent or fails", 90, Action.DELETE)
)
retention_rules.register(
    RetentionRule("newsletter_campaign", "the campaign finishes", 365 * 2, Action.ANONYMISE)
)
retention_rules.register(
    RetentionRule(
        "newsletter_suppression",
        "the address is suppressed",
        0,
        Action.KEEP,
        reason=(
            "Only a keyed hash of the address is kept, so that an import or a form can never "
            "mail someone who unsubscribed; a new confirmed sign-up removes it."
        ),
    )
)
retention_rules.register(
    RetentionRule(
        "newsletter_wording",
        "the wording is replaced",
        0,
        Action.KEEP,
        reason="Consent evidence points at the exact wording each person saw.",
    )
)


def _subscriber_done_since() -> Case:
    """Unconfirmed: from the sign-up. Confirmed but with no live consent left (every topic they
    had was retired): from the last consent's end, or the confirmation if none is left."""
    live = Consent.objects.filter(subscriber=OuterRef("pk"), withdrawn_at__isnull=True)
    last_ended = (
        Consent.objects.filter(subscriber=OuterRef("pk"))
        .values("subscriber")
        .annotate(last=Max("withdrawn_at"))
        .values("last")
    )
    return Case(
        When(confirmed_at__isnull=True, then=F("created_at")),
        When(~Exists(live), then=Coalesce(Subquery(last_ended), F("confirmed_at"))),
        default=None,
        output_field=DateTimeField(),
    )


def _consent_ended() -> Coalesce:
    unconfirmed = Case(
        When(confirmed_at__isnull=True, then=F("given_at")),
        default=None,
        output_field=DateTimeField(),
    )
    return Coalesce("withdrawn_at", unconfirmed, output_field=DateTimeField())


declare(
    "newsletter.Topic",
    fields=not_personal("id", "slug", "name", "description", "is_active", "position"),
)
declare(
    "newsletter.SignUpVersion",
    fields=not_personal("id", "value"),
)
declare(
    "newsletter.ConsentWording",
    subject=Subject.STAFF,
    purpose="newsletter",
    retention="newsletter_wording",
    subject_filter=by_email("created_by__email"),
    fields={
        **not_personal("id", "version", "text", "created_at"),
        "created_by": personal("user.unique_id"),
    },
)
declare(
    "newsletter.Subscriber",
    subject=Subject.SUBSCRIBER,
    purpose="newsletter",
    retention="newsletter_subscriber",
    retention_trigger=_subscriber_done_since,
    subject_filter=by_email("email"),
    corrections={
        "name": Correction(
            "Name",
            lambda subscriber, value, *, actor: subscriber_correct_name(
                subscriber=subscriber, name=value, actor=actor
            ),
        )
    },
    description=(
        "People who signed up; deleted when they unsubscribe from everything, or once no "
        "topic they chose is offered any more."
    ),
    label="Newsletter subscription",
    describe=lambda subscriber: (
        f"newsletter subscription, signed up {timezone.localtime(subscriber.created_at):%-d %B %Y}"
    ),
    find_by=FindBy(email="email", name="name"),
    fields={
        **not_personal("id"),
        "email": personal("user.contact.email"),
        "name": personal("user.name"),
        "address_hash": personal("user.contact.email", note="keyed HMAC of the address"),
        "created_at": personal("user.behavior"),
        "confirmed_at": personal("user.behavior"),
        "soft_bounces": personal("user.behavior", note="temporary delivery failures"),
    },
)
declare(
    "newsletter.Consent",
    subject=Subject.SUBSCRIBER,
    purpose="newsletter",
    retention="newsletter_consent_ended",
    retention_trigger=_consent_ended,
    subject_filter=by_email("subscriber__email"),
    description="Consent evidence per topic: when, which wording, how, confirmed, withdrawn.",
    label="Newsletter consent",
    describe=lambda consent: (
        f"consent to receive {consent.topic.name}, given "
        f"{timezone.localtime(consent.given_at):%-d %B %Y}"
        + (" (withdrawn)" if consent.withdrawn_at else "")
    ),
    related=("topic",),
    fields={
        **not_personal("id", "topic", "wording", "method"),
        "subscriber": personal("user.unique_id"),
        "evidence": personal("user.content.private", note="where a paper form or list is kept"),
        "recorded_by": personal("user.unique_id", subject=Subject.STAFF),
        "given_at": personal("user.behavior"),
        "confirmed_at": personal("user.behavior"),
        "withdrawn_at": personal("user.behavior"),
    },
)


def _suppressed_address(key: SubjectKey) -> Q | None:
    return Q(address_hash=address_hash(key.email)) if key.email else None


declare(
    "newsletter.Suppression",
    subject=Subject.SUBSCRIBER,
    purpose="newsletter",
    retention="newsletter_suppression",
    subject_filter=_suppressed_address,
    description="Addresses that must not be mailed, as keyed hashes only.",
    label="Do-not-email entry",
    describe=lambda suppression: (
        "entry on the list of addresses we must not email, since "
        f"{timezone.localtime(suppression.created_at):%-d %B %Y}"
    ),
    fields={
        **not_personal("id"),
        "address_hash": personal("user.contact.email", note="keyed HMAC only"),
        "reason": personal("user.behavior"),
        "created_at": personal("user.behavior"),
    },
)
declare(
    "newsletter.Campaign",
    subject=Subject.STAFF,
    purpose="newsletter",
    retention="newsletter_campaign",
    retention_trigger="finished_at",
    anonymise=("created_by",),
    subject_filter=by_email("created_by__email"),
    fields={
        **not_personal(
            "id",
            "subject",
            "body_markdown",
            "topics",
            "state",
            "scheduled_for",
            "created_at",
            "started_at",
            "finished_at",
            "heartbeat_at",
            "problem",
        ),
        "created_by": personal("user.unique_id"),
    },
)
declare(
    "newsletter.Delivery",
    subject=Subject.SUBSCRIBER,
    purpose="newsletter",
    retention="newsletter_delivery",
    retention_trigger="finished_at",
    subject_filter=by_email("subscriber__email"),
    label="Newsletter sent",
    describe=lambda delivery: (
        f"newsletter \u201c{delivery.campaign.subject}\u201d"
        + (f", sent {timezone.localtime(delivery.sent_at):%-d %B %Y}" if delivery.sent_at else "")
    ),
    related=("campaign",),
    fields={
        **not_personal("id", "campaign", "claim", "claimed_until"),
        "subscriber": personal("user.unique_id"),
        "state": personal("user.behavior"),
        "sent_at": personal("user.behavior"),
        "finished_at": personal("user.behavior"),
        "error": personal("user.behavior", note="the mail server's answer"),
    },
)
