"""Composing campaigns: draft, test send, schedule. Sending itself is in ``sending``."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.core.tasks import enqueue_in_transaction
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.messages import campaign_message, render_campaign
from safeguarding.newsletter.models import Campaign, CampaignState, Subscriber, Topic
from safeguarding.newsletter.tasks import start_scheduled_campaign

EDITABLE = (CampaignState.DRAFT, CampaignState.SCHEDULED)

logger = logging.getLogger(__name__)


@transaction.atomic(durable=True)
def campaign_save(
    *,
    actor: User,
    subject: str,
    body_markdown: str,
    topics: Iterable[Topic],
    campaign_id: int | None = None,
) -> Campaign:
    if campaign_id is None:
        campaign = Campaign(created_by=actor)
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.state not in EDITABLE:
            raise ValidationError("A campaign that has started sending cannot be changed.")
    campaign.subject = subject.strip()
    campaign.body_markdown = body_markdown
    campaign.full_clean()
    campaign.save()
    campaign.topics.set(list(topics))
    audit_log(
        action="newsletter.campaign.saved",
        actor=actor,
        target=campaign,
        details={"topics": sorted(t.slug for t in campaign.topics.all())},
    )
    return campaign


@transaction.atomic(durable=True)
def campaign_schedule(*, campaign_id: int, when: datetime, actor: User) -> Campaign:
    """A task deferred to ``when`` starts it (the daily safety net catches any it missed)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state not in EDITABLE:
        raise ValidationError("This campaign has already been sent.")
    campaign.state = CampaignState.SCHEDULED
    campaign.scheduled_for = when
    campaign.save(update_fields=["state", "scheduled_for"])
    audit_log(
        action="newsletter.campaign.scheduled",
        actor=actor,
        target=campaign,
        details={"scheduled_for": when.isoformat()},
    )
    enqueue_in_transaction(start_scheduled_campaign.using(run_after=when), campaign_id=campaign.pk)
    return campaign


class TestNotSent(Exception):
    """The mail server refused the test message or could not be reached; the message is safe
    to show to the officer."""


def campaign_send_test(*, campaign: Campaign, actor: User) -> None:
    """Sends the campaign to the officer's own address, synchronously, marked [TEST]. Its
    unsubscribe and manage links point at nobody (they lead to the "done" pages). Raises
    ``TestNotSent`` when the mail server refuses it or cannot be reached."""
    nobody = Subscriber(pk=0, email=actor.email, address_hash=address_hash(actor.email))
    try:
        campaign_message(render_campaign(campaign), subscriber=nobody, test=True).send()
    except (smtplib.SMTPException, OSError) as error:
        logger.warning(
            "Test message for campaign %s not sent: %s", campaign.pk, type(error).__name__
        )
        raise TestNotSent(
            "The test message could not be sent: the mail server refused it or could not be "
            "reached. Try again in a few minutes; if it keeps happening, tell your administrator."
        ) from None
    audit_log(action="newsletter.campaign.test_sent", actor=actor, target=campaign)
