"""Bounces and complaints, from the mail provider's webhook (django-anymail's normalised
tracking events) or from the bounce mailbox (``newsletter_bounces``).

Hard bounces and complaints suppress the address at once; soft bounces (deferrals) are
counted and suppress after NEWSLETTER_SOFT_BOUNCE_LIMIT. Open and click events are never
requested (NEWSLETTER_TRACKING is off) and are ignored if a provider sends them anyway.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from safeguarding.audit.services import audit_log
from safeguarding.core.addresses import normalise_email
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import Subscriber, SuppressionReason
from safeguarding.newsletter.services import subscriber_unsubscribe_all, suppress_address_hash


class Bounce(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    COMPLAINT = "complaint"


_FROM_EVENT = {
    EventType.BOUNCED: Bounce.HARD,
    EventType.REJECTED: Bounce.HARD,
    EventType.DEFERRED: Bounce.SOFT,
    EventType.COMPLAINED: Bounce.COMPLAINT,
    # The provider's own unsubscribe link or list-unsubscribe handling.
    EventType.UNSUBSCRIBED: Bounce.COMPLAINT,
}


@transaction.atomic
def bounce_record(*, email: str, kind: Bounce, source: str) -> bool:
    """Returns True when the address is now suppressed."""
    email = normalise_email(email)
    subscriber = Subscriber.objects.select_for_update().filter(email=email).first()
    reason: SuppressionReason | None = None
    if kind is Bounce.HARD:
        reason = SuppressionReason.HARD_BOUNCE
    elif kind is Bounce.COMPLAINT:
        reason = SuppressionReason.COMPLAINT
    elif subscriber is not None:
        Subscriber.objects.filter(pk=subscriber.pk).update(soft_bounces=F("soft_bounces") + 1)
        subscriber.refresh_from_db(fields=["soft_bounces"])
        if subscriber.soft_bounces >= settings.NEWSLETTER_SOFT_BOUNCE_LIMIT:
            reason = SuppressionReason.SOFT_BOUNCES
    audit_log(
        action="newsletter.bounce.recorded",
        actor=None,
        target_type="newsletter.Subscriber",
        target_id=subscriber.pk if subscriber else None,
        details={"kind": str(kind), "source": source, "suppressed": reason is not None},
    )
    if reason is None:
        return False
    if subscriber is not None:
        subscriber_unsubscribe_all(subscriber=subscriber, reason=reason)
    else:
        suppress_address_hash(digest=address_hash(email), reason=reason)
    return True


@receiver(tracking, dispatch_uid="newsletter.bounces")
def _on_tracking_event(sender: Any, event: AnymailTrackingEvent, esp_name: str, **_: Any) -> None:
    kind = _FROM_EVENT.get(event.event_type)
    if kind is not None and event.recipient:
        bounce_record(email=event.recipient, kind=kind, source=f"webhook:{esp_name}")
