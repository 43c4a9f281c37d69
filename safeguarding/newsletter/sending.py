"""Sending a campaign: recipients chosen at send time, then batches claimed by workers.

Exactly once, and what is left of "at most one duplicate per killed worker":

1. ``campaign_start`` writes one ``Delivery`` per recipient (state PENDING) in the same
   transaction that moves the campaign to SENDING.
2. A batch task claims up to NEWSLETTER_BATCH_SIZE deliveries with a conditional UPDATE
   (PENDING, or CLAIMED with an expired lease) that stamps a random claim token and a lease
   (NEWSLETTER_CLAIM_SECONDS). Two workers can never hold the same row: the UPDATE re-checks
   its condition row by row, and each worker then reads back only its own token.
3. For each claimed row the worker sends the message, and as soon as the mail server has
   accepted it marks the row SENT (a committed single-row UPDATE guarded by its token).
   It stops before its lease could run out (the lease left must exceed the SMTP timeout),
   and hands unsent rows back as PENDING, so a slow worker never overlaps a new one.
4. A killed worker leaves its rows CLAIMED; once the lease expires the next batch (started by
   "Resume", by the deferred batch a worker leaves when it finds only claimed rows, or by
   the daily safety net for campaigns whose heartbeat stopped) claims
   them again. Rows already SENT are never claimed again.

The remaining window: a worker killed after the server accepted a message but before the
UPDATE to SENT committed (one database round trip) leaves that one row CLAIMED, and it is
sent again. No SMTP design can close it without the receiving side's help; it is at most one
message per killed worker, and nothing is ever skipped. That help is asked for: every
delivery is sent with its own fixed Message-ID (``messages.delivery_message_id``), so the
repeat is the same message by RFC 5322's identity, which mail systems and clients that
de-duplicate by Message-ID show once.
"""

from __future__ import annotations

import secrets
import smtplib
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.core.tasks import enqueue_in_transaction
from safeguarding.newsletter.data_inventory import NEWSLETTER
from safeguarding.newsletter.messages import (
    campaign_message,
    delivery_message_id,
    render_campaign,
)
from safeguarding.newsletter.models import (
    Campaign,
    CampaignState,
    Consent,
    Delivery,
    DeliveryState,
    Subscriber,
    Suppression,
)
from safeguarding.privacy.rights.actions import processing_stopped

CHUNK = 2000  # rows per INSERT when recipients are chosen
CHECK_EVERY = 50  # messages between re-checks of consent and of the campaign's state


def eligible_subscribers(campaign: Campaign) -> Q:
    """P16: a confirmed, not withdrawn consent for one of the campaign's topics, and an
    address not on the suppression list, nor restricted or objecting to the newsletter through
    a rights request. Used when sending starts and again while sending."""
    consent = Consent.objects.filter(
        subscriber=OuterRef("pk"),
        topic__in=campaign.topics.all(),
        confirmed_at__isnull=False,
        withdrawn_at__isnull=True,
    )
    suppressed = Suppression.objects.filter(address_hash=OuterRef("address_hash"))
    return Q(Exists(consent)) & ~Q(Exists(suppressed)) & ~processing_stopped(NEWSLETTER.key)


@transaction.atomic
def campaign_start(*, campaign_id: int, actor: User | None) -> int:
    """Choose the recipients now and start sending; returns how many."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state not in (CampaignState.DRAFT, CampaignState.SCHEDULED):
        raise ValidationError("This campaign has already been sent.")
    if not campaign.topics.exists():
        raise ValidationError("Choose at least one topic before sending.")
    retired = [topic.name for topic in campaign.topics.filter(is_active=False)]
    if retired:
        raise ValidationError(
            f"“{retired[0]}” has been retired and nobody receives it any more. "
            "Edit the campaign and choose topics that are still offered."
        )
    recipients = (
        Subscriber.objects.filter(eligible_subscribers(campaign))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = 0
    chunk: list[Delivery] = []
    for subscriber_id in recipients.iterator(chunk_size=CHUNK):
        chunk.append(Delivery(campaign_id=campaign.pk, subscriber_id=subscriber_id))
        if len(chunk) == CHUNK:
            Delivery.objects.bulk_create(chunk)
            total += len(chunk)
            chunk = []
    Delivery.objects.bulk_create(chunk)
    total += len(chunk)
    now = timezone.now()
    campaign.state = CampaignState.SENDING
    campaign.started_at = now
    campaign.heartbeat_at = now
    campaign.save(update_fields=["state", "started_at", "heartbeat_at"])
    audit_log(
        action="newsletter.campaign.started",
        actor=actor,
        target=campaign,
        details={"recipients": total},
    )
    _enqueue_batch(campaign.pk)
    return total


@transaction.atomic
def campaign_pause(*, campaign_id: int, actor: User) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state != CampaignState.SENDING:
        raise ValidationError("Only a campaign that is sending can be paused.")
    campaign.state = CampaignState.PAUSED
    campaign.save(update_fields=["state"])
    audit_log(action="newsletter.campaign.paused", actor=actor, target=campaign)
    return campaign


@transaction.atomic
def campaign_resume(*, campaign_id: int, actor: User | None) -> Campaign:
    """After a pause, or after a worker was lost (the campaign is still SENDING)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state not in (CampaignState.PAUSED, CampaignState.SENDING):
        raise ValidationError("Only a paused or sending campaign can be resumed.")
    campaign.state = CampaignState.SENDING
    campaign.heartbeat_at = timezone.now()
    campaign.save(update_fields=["state", "heartbeat_at"])
    audit_log(action="newsletter.campaign.resumed", actor=actor, target=campaign)
    _enqueue_batch(campaign.pk)
    return campaign


def _enqueue_batch(campaign_id: int, *, run_after: datetime | None = None) -> None:
    from safeguarding.newsletter.tasks import send_campaign_batch

    task = send_campaign_batch.using(run_after=run_after) if run_after else send_campaign_batch
    enqueue_in_transaction(task, campaign_id=campaign_id)


def _come_back_for_claimed_rows(campaign_id: int) -> None:
    """Nothing is claimable, but rows are still claimed: by a live worker (which will finish
    them) or by one that died. Look again when the last of those leases has run out, so a
    lost worker's rows are picked up without anyone pressing Resume. If the other worker was
    alive, the campaign may then briefly have two batch chains: safe (claims never overlap),
    only faster than the rate limit."""
    if not _is_sending(campaign_id):
        return
    latest = (
        Delivery.objects.filter(campaign_id=campaign_id, state=DeliveryState.CLAIMED)
        .order_by("-claimed_until")
        .values_list("claimed_until", flat=True)
        .first()
    )
    if latest is not None:
        _enqueue_batch(campaign_id, run_after=latest + timedelta(seconds=1))


def _claim(campaign_id: int, *, batch_size: int) -> tuple[str, list[Delivery]]:
    """Rows a dead worker left (lease expired) first, then pending rows in order. Each is
    one walk of the (campaign, state, id) index, so a claim costs the same at the start and
    the end of a 100,000-recipient campaign."""
    now = timezone.now()
    claim = secrets.token_hex(16)
    expired = Q(state=DeliveryState.CLAIMED, claimed_until__lt=now)
    pending = Q(state=DeliveryState.PENDING)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.state != CampaignState.SENDING:
            return claim, []
        ids: list[int] = []
        for claimable in (expired, pending):
            if len(ids) < batch_size:
                ids.extend(
                    Delivery.objects.filter(claimable, campaign_id=campaign_id)
                    .order_by("pk")
                    .values_list("pk", flat=True)[: batch_size - len(ids)]
                )
        Delivery.objects.filter(expired | pending, pk__in=ids).update(
            state=DeliveryState.CLAIMED,
            claim=claim,
            claimed_until=now + timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS),
        )
        campaign.heartbeat_at = now
        campaign.save(update_fields=["heartbeat_at"])
    claimed = list(
        Delivery.objects.filter(pk__in=ids, claim=claim, state=DeliveryState.CLAIMED)
        .select_related("subscriber")
        .order_by("pk")
    )
    return claim, claimed


def _finish(delivery: Delivery, claim: str, state: DeliveryState, error: str = "") -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, claim=claim, state=DeliveryState.CLAIMED).update(
        state=state,
        sent_at=now if state == DeliveryState.SENT else None,
        finished_at=now,
        error=error[:200],
    )


def _still_eligible(campaign: Campaign, deliveries: list[Delivery]) -> set[int]:
    subscriber_ids = [d.subscriber_id for d in deliveries if d.subscriber_id is not None]
    return set(
        Subscriber.objects.filter(
            eligible_subscribers(campaign), pk__in=subscriber_ids
        ).values_list("pk", flat=True)
    )


def _is_sending(campaign_id: int) -> bool:
    return Campaign.objects.filter(pk=campaign_id, state=CampaignState.SENDING).exists()


def campaign_send_batch(*, campaign_id: int, batch_size: int | None = None) -> int:
    """Claim and send one batch; returns how many messages the server accepted. Enqueues the
    next batch while work remains, and finishes the campaign when none does."""
    claim, claimed = _claim(campaign_id, batch_size=batch_size or settings.NEWSLETTER_BATCH_SIZE)
    if not claimed:
        _finish_campaign_if_done(campaign_id)
        _come_back_for_claimed_rows(campaign_id)
        return 0
    campaign = Campaign.objects.get(pk=campaign_id)
    rendered = render_campaign(campaign)
    lease_end = claimed[0].claimed_until
    assert lease_end is not None  # noqa: S101  (set by _claim)
    smtp_timeout = max(2, settings.NEWSLETTER_CLAIM_SECONDS // 4)
    rate = settings.NEWSLETTER_RATE_PER_SECOND
    interval = 1 / rate if rate else 0.0
    next_send = time.monotonic()
    sent = 0
    eligible: set[int] = set()
    connection = get_connection(timeout=smtp_timeout)
    try:
        connection.open()
        for position, delivery in enumerate(claimed):
            if position % CHECK_EVERY == 0:
                if not _is_sending(campaign_id):
                    break
                eligible = _still_eligible(campaign, claimed[position : position + CHECK_EVERY])
            if timezone.now() + timedelta(seconds=smtp_timeout + 1) >= lease_end:
                break  # let the rest go back rather than risk overlapping another worker
            if delivery.subscriber is None or delivery.subscriber_id not in eligible:
                _finish(delivery, claim, DeliveryState.SKIPPED)
                continue
            if interval:
                delay = next_send - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                next_send = max(next_send + interval, time.monotonic() - interval)
            message = campaign_message(
                rendered,
                subscriber=delivery.subscriber,
                message_id=delivery_message_id(delivery.pk),
            )
            message.connection = connection
            try:
                message.send()
            except smtplib.SMTPRecipientsRefused as refused:
                _finish(delivery, claim, DeliveryState.FAILED, _smtp_error(refused))
                continue
            except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
                _finish(delivery, claim, DeliveryState.FAILED, f"{error.smtp_code}")
                continue
            _finish(delivery, claim, DeliveryState.SENT)
            sent += 1
    finally:
        try:
            connection.close()
        finally:
            _release(claim, [delivery.pk for delivery in claimed])
    if _is_sending(campaign_id):
        if Delivery.objects.filter(
            campaign_id=campaign_id, state__in=(DeliveryState.PENDING, DeliveryState.CLAIMED)
        ).exists():
            _enqueue_batch(campaign_id)
        else:
            _finish_campaign_if_done(campaign_id)
    return sent


def _smtp_error(refused: smtplib.SMTPRecipientsRefused) -> str:
    codes = [str(code) for code, _ in refused.recipients.values()]
    return "refused: " + ",".join(codes)


def _release(claim: str, ids: list[int]) -> None:
    """Hand back what this worker claimed but did not send."""
    Delivery.objects.filter(pk__in=ids, claim=claim, state=DeliveryState.CLAIMED).update(
        state=DeliveryState.PENDING, claim="", claimed_until=None
    )


@transaction.atomic
def _finish_campaign_if_done(campaign_id: int) -> None:
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state != CampaignState.SENDING:
        return
    if campaign.deliveries.filter(
        state__in=(DeliveryState.PENDING, DeliveryState.CLAIMED)
    ).exists():
        return
    campaign.state = CampaignState.FINISHED
    campaign.finished_at = timezone.now()
    campaign.save(update_fields=["state", "finished_at"])
    counts = campaign_progress(campaign)
    audit_log(action="newsletter.campaign.finished", actor=None, target=campaign, details=counts)


def campaign_progress(campaign: Campaign) -> dict[str, int]:
    return campaigns_progress([campaign.pk])[campaign.pk]


def campaigns_progress(campaign_ids: list[int]) -> dict[int, dict[str, int]]:
    """Sent, failed, skipped and remaining for each campaign, in one query."""
    counts: dict[int, dict[str, int]] = {pk: {} for pk in campaign_ids}
    rows = (
        Delivery.objects.filter(campaign_id__in=campaign_ids)
        .values_list("campaign_id", "state")
        .annotate(n=Count("pk"))
    )
    for campaign_id, state, n in rows:
        counts[campaign_id][state] = n
    return {
        pk: {
            "sent": by_state.get(DeliveryState.SENT, 0),
            "failed": by_state.get(DeliveryState.FAILED, 0),
            "skipped": by_state.get(DeliveryState.SKIPPED, 0),
            "remaining": by_state.get(DeliveryState.PENDING, 0)
            + by_state.get(DeliveryState.CLAIMED, 0),
        }
        for pk, by_state in counts.items()
    }


def campaigns_needing_a_worker(*, now: object = None) -> list[int]:
    """Due scheduled campaigns, and sending campaigns whose worker stopped (no batch for
    twice the claim lease): the daily safety net starts or resumes them."""
    now = now or timezone.now()
    stale = timezone.now() - timedelta(seconds=2 * settings.NEWSLETTER_CLAIM_SECONDS)
    return list(
        Campaign.objects.filter(
            Q(state=CampaignState.SCHEDULED, scheduled_for__lte=now)
            | Q(state=CampaignState.SENDING, heartbeat_at__lt=stale)
        ).values_list("pk", flat=True)
    )
