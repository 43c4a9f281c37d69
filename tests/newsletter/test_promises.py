"""check_promises P16 and P17 look at real state and fail when it is wrong."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safeguarding.core.promises import Outcome
from safeguarding.newsletter.models import Delivery, DeliveryState, Suppression, SuppressionReason
from safeguarding.newsletter.promises import newsletter_consent, newsletter_unsubscribe
from tests.newsletter.factories import campaign, confirmed_subscriber

pytestmark = pytest.mark.django_db


def sent(subscriber_email: str, *, topics: tuple[str, ...]) -> None:
    subscriber = confirmed_subscriber(subscriber_email, *topics)
    Delivery.objects.create(
        campaign=campaign(),
        subscriber=subscriber,
        state=DeliveryState.SENT,
        sent_at=timezone.now(),
        finished_at=timezone.now(),
    )


def test_p16_passes_when_every_message_had_consent_for_its_topic() -> None:
    sent("reader@example.net", topics=("newsletter",))

    outcome, evidence = newsletter_consent()

    assert outcome is Outcome.PASS
    assert evidence.startswith("1 message(s)")


def test_p16_fails_for_a_message_sent_without_consent_for_the_topic() -> None:
    sent("reader@example.net", topics=("events",))  # the campaign is for the newsletter

    outcome, evidence = newsletter_consent()

    assert outcome is Outcome.FAIL
    assert evidence.startswith("1 message(s) sent without")


def test_p17_passes_with_one_click_headers_and_hashed_suppressions() -> None:
    outcome, evidence = newsletter_unsubscribe()

    assert outcome is Outcome.PASS, evidence


def test_p17_fails_when_a_suppressed_address_can_still_be_mailed() -> None:
    subscriber = confirmed_subscriber("reader@example.net")
    Suppression.objects.create(
        address_hash=subscriber.address_hash, reason=SuppressionReason.HARD_BOUNCE
    )

    outcome, evidence = newsletter_unsubscribe()

    assert outcome is Outcome.FAIL
    assert "still have a live consent" in evidence
