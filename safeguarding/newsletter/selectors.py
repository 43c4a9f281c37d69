"""Reads for the communications officer's pages: finding a subscriber, what one subscriber's
page shows, and how many people a campaign would go to now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from safeguarding.audit.actions import describe
from safeguarding.audit.models import AuditEntry
from safeguarding.core.addresses import normalise_email
from safeguarding.core.content_versions import version_of
from safeguarding.newsletter.data_inventory import NEWSLETTER
from safeguarding.newsletter.models import (
    Campaign,
    Consent,
    Delivery,
    SignUpVersion,
    Subscriber,
    Topic,
)
from safeguarding.newsletter.sending import eligible_subscribers
from safeguarding.privacy.rights.actions import processing_stopped

SEARCH_LIMIT = 50
HISTORY_LENGTH = 100
# How audit entries name a subscriber (services.TARGET, and the model's own label).
SUBSCRIBER_TARGETS = ("newsletter.Subscriber", "newsletter.subscriber")


def sign_up_version() -> int:
    """The version of what the public sign-up page shows (its topics and consent wording),
    raised by the database on every change to them (``SignUpVersion``)."""
    return version_of(SignUpVersion)


def subscriber_search(query: str) -> QuerySet[Subscriber]:
    """Subscribers whose address or name contains ``query`` (an address typed in full finds
    exactly that address first), at most ``SEARCH_LIMIT + 1`` so the page can say there are
    more."""
    query = query.strip()
    exact = normalise_email(query) if "@" in query else ""
    return (
        Subscriber.objects.filter(
            Q(email__icontains=query) | Q(name__icontains=query) | Q(email=exact)
        )
        .order_by("email")
        .prefetch_related("consents__topic")[: SEARCH_LIMIT + 1]
    )


def live_topics(subscriber: Subscriber) -> list[Topic]:
    """The topics the subscriber receives: confirmed consents not withdrawn."""
    return [
        consent.topic
        for consent in subscriber.consents.all()
        if consent.withdrawn_at is None and consent.confirmed_at is not None
    ]


def consent_evidence(subscriber: Subscriber) -> QuerySet[Consent]:
    """Every consent the subscriber gave, newest first, withdrawn ones included."""
    return subscriber.consents.select_related("topic", "wording", "recorded_by").order_by(
        "-given_at", "-pk"
    )


def is_restricted(subscriber: Subscriber) -> bool:
    """A restriction or an upheld objection (a rights request) keeps them out of campaigns."""
    return (
        Subscriber.objects.filter(pk=subscriber.pk).filter(processing_stopped(NEWSLETTER.key))
    ).exists()


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    what: str
    who: str
    reason: str


def _who(entry: AuditEntry) -> str:
    if entry.actor is not None:
        return entry.actor.full_name
    return "The subscriber" if entry.actor_label == "anonymous" else "The system"


def subscriber_history(subscriber: Subscriber) -> list[HistoryLine]:
    """What happened to the subscription, newest first: the audit trail's entries about the
    subscriber, in words, with who did it and the reason staff gave."""
    entries = (
        AuditEntry.objects.filter(target_type__in=SUBSCRIBER_TARGETS, target_id=str(subscriber.pk))
        .exclude(action__endswith=".read")
        .select_related("actor")
        .order_by("-sequence")[:HISTORY_LENGTH]
    )
    return [
        HistoryLine(
            when=entry.occurred_at,
            what=describe(entry.action),
            who=_who(entry),
            reason="" if entry.redacted_at else entry.reason,
        )
        for entry in entries
    ]


def subscriber_deliveries(subscriber: Subscriber) -> QuerySet[Delivery]:
    """The campaigns chosen to go to the subscriber, newest first."""
    return subscriber.deliveries.select_related("campaign").order_by("-campaign__created_at")[
        :HISTORY_LENGTH
    ]


def recipient_count(campaign: Campaign) -> int:
    """How many people the campaign would go to if sending started now (the same rule as
    ``sending.campaign_start``)."""
    return Subscriber.objects.filter(eligible_subscribers(campaign)).count()
