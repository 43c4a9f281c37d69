"""Sending a campaign: recipients chosen at send time, then batches claimed by workers.

Exactly once, and what is left of "at most one duplicate per killed worker":

1. ``campaign_start`` writes one ``Delivery`` per recipient (state PENDING) in the same
   transaction that moves the campaign to SENDING.
2. A batch task claims up to NEWSLETTER_BATCH_SIZE deliveries with a conditional UPDATE
   (PENDING, or CLAIMED with an expired lease) that stamps a random claim token and a lease
   (NEWSLETTER_CLAIM_SECONDS). Two workers can never hold the same row: the UPDATE re-checks
   its condition row by row, and each worker then reads back only its own token.
3. For each claimed row the worker sends the message, and once the mail server has
   accepted it the recorder (``_Recorder``) marks the row SENT (a committed UPDATE guarded
   by the token; a database outage of a few seconds is waited out, not turned into a
   resend) while the server reads the next message's MAIL (``SMTPSession``). The final "."
   that asks the server to take that next message is sent only when at most
   NEWSLETTER_UNRECORDED_AT_MOST (default 1) accepted messages are unrecorded; with a
   wider window they are recorded together, in one statement. Every
   NEWSLETTER_HEARTBEAT_SECONDS it renews the lease on the rows it still holds (an UPDATE
   guarded by its token: a row another worker took is not renewed, and then this worker
   stops) and the campaign's heartbeat. Before each message it checks that the lease it
   last renewed outlasts the SMTP timeout, so it never sends a row whose lease could have
   run out, and it hands unsent rows back as PENDING, so a slow worker never overlaps a new
   one.
4. NEWSLETTER_PARALLEL_BATCHES batches of a campaign are queued at once, each enqueuing
   the next when it ends, so that many workers send it in parallel; their claims never
   overlap (2.), and the rate limit is shared between them.
5. A killed worker leaves its rows CLAIMED and its heartbeat stops. Every worker checks every
   few seconds (``recover_stalled_campaigns``): a SENDING campaign whose heartbeat is
   NEWSLETTER_STALLED_SECONDS old, with no batch queued, gets a new batch, which claims the
   rows whose lease (NEWSLETTER_CLAIM_SECONDS, no longer than the stall) has run out. So a
   lost worker's campaign carries on within about a minute, with nobody pressing "Resume".
   Rows already SENT are never claimed again.
6. A batch that fails (the mail server unreachable, refusing our sign-in or sending address,
   or refusing every message: REFUSALS_IN_A_ROW in a row) hands its rows back and is tried
   again after NEWSLETTER_RETRY_AFTER_SECONDS; after the last, the campaign is STOPPED with
   the problem in plain words on its page, audited, and listed with the emails that could not
   be sent. "Resume" carries on from where it stopped.

The remaining window: a worker killed after the server accepted a message but before the
UPDATE to SENT committed leaves that row CLAIMED, and it is sent again. No SMTP design can
close it without the receiving side's help; it is at most NEWSLETTER_UNRECORDED_AT_MOST
messages per killed worker (one by default: the server never holds a second accepted
message before the first is recorded), and nothing is ever skipped. That help is asked for: every
delivery is sent with its own fixed Message-ID (``messages.delivery_message_id``), so the
repeat is the same message by RFC 5322's identity, which mail systems and clients that
de-duplicate by Message-ID show once.

What the database keeps: a record is committed before the server is asked to take another
message, so a killed worker, or a database restarted in the ordinary way (which writes out
everything committed), never loses one. On PostgreSQL the record's commit does not wait for
the disk by default (NEWSLETTER_SENT_SYNCHRONOUS_COMMIT, for that one statement only), so a
crash of the database server itself or of its machine can forget the records of its last
fraction of a second, and those messages are sent again with their same Message-ID, the
same as SQLite (WAL, synchronous=NORMAL) on a machine that loses power. Nothing is skipped:
the claim, the consent checks and every other write wait for the disk as before.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import smtplib
import socket
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.core.database import DATABASE_UNAVAILABLE
from safeguarding.core.models import FailedEmail
from safeguarding.core.tasks import enqueue_in_transaction
from safeguarding.newsletter.data_inventory import NEWSLETTER
from safeguarding.newsletter.messages import (
    PreparedCampaign,
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

logger = logging.getLogger(__name__)
T = TypeVar("T")

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


@transaction.atomic(durable=True)
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
    _enqueue_batches(campaign.pk)
    return total


@transaction.atomic(durable=True)
def campaign_pause(*, campaign_id: int, actor: User) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state != CampaignState.SENDING:
        raise ValidationError("Only a campaign that is sending can be paused.")
    campaign.state = CampaignState.PAUSED
    campaign.save(update_fields=["state"])
    audit_log(action="newsletter.campaign.paused", actor=actor, target=campaign)
    return campaign


@transaction.atomic(durable=True)
def campaign_resume(*, campaign_id: int, actor: User | None) -> Campaign:
    """After a pause, after sending stopped (once the problem is fixed), or after a worker
    was lost (the campaign is still SENDING). Messages already sent are never sent again."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.state not in (CampaignState.PAUSED, CampaignState.SENDING, CampaignState.STOPPED):
        raise ValidationError("Only a paused, stopped or sending campaign can be resumed.")
    campaign.state = CampaignState.SENDING
    campaign.heartbeat_at = timezone.now()
    campaign.problem = ""
    campaign.save(update_fields=["state", "heartbeat_at", "problem"])
    audit_log(action="newsletter.campaign.resumed", actor=actor, target=campaign)
    _enqueue_batches(campaign.pk)
    return campaign


def _enqueue_batches(campaign_id: int) -> None:
    """NEWSLETTER_PARALLEL_BATCHES batches, for as many workers to send at once: each claims
    rows no other holds (``_claim``), and each enqueues the next when it ends, so that many
    go on until the campaign is sent."""
    for _ in range(settings.NEWSLETTER_PARALLEL_BATCHES):
        _enqueue_batch(campaign_id)


def _enqueue_batch(
    campaign_id: int, *, run_after: datetime | None = None, attempt: int | None = None
) -> None:
    task = send_campaign_batch.using(run_after=run_after) if run_after else send_campaign_batch
    if attempt is None:
        enqueue_in_transaction(task, campaign_id=campaign_id)
    else:
        enqueue_in_transaction(task, campaign_id=campaign_id, attempt=attempt)


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


class _Recipient(NamedTuple):
    """What a message needs of its subscriber (``messages.Recipient``): the id and address
    hash its signed links carry, and the address."""

    pk: int
    email: str
    address_hash: str


class _Claimed(NamedTuple):
    """One claimed delivery, as much of it as sending needs: read as plain values with the
    claim rather than as two model instances per row, which cost more than the message."""

    pk: int
    subscriber_id: int | None
    subscriber: _Recipient | None  # None once the person unsubscribed from everything
    claimed_until: datetime


def _claim(campaign_id: int, *, batch_size: int) -> tuple[str, list[_Claimed]]:
    """Rows a dead worker left (lease expired) first, then pending rows in order. Each is
    one walk of the (campaign, state, id) index, so a claim costs the same at the start and
    the end of a 100,000-recipient campaign."""
    now = timezone.now()
    until = now + timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)
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
            claimed_until=until,
        )
        campaign.heartbeat_at = now
        campaign.save(update_fields=["heartbeat_at"])
    rows = (
        Delivery.objects.filter(pk__in=ids, claim=claim, state=DeliveryState.CLAIMED)
        .order_by("pk")
        .values_list("pk", "subscriber_id", "subscriber__email", "subscriber__address_hash")
    )
    claimed = [
        _Claimed(
            pk,
            subscriber_id,
            None if subscriber_id is None else _Recipient(subscriber_id, email, address_hash),
            until,
        )
        for pk, subscriber_id, email, address_hash in rows
    ]
    return claim, claimed


def _finish(delivery: _Claimed, claim: str, state: DeliveryState, error: str = "") -> None:
    now = timezone.now()
    Delivery.objects.filter(pk=delivery.pk, claim=claim, state=DeliveryState.CLAIMED).update(
        state=state,
        sent_at=now if state == DeliveryState.SENT else None,
        finished_at=now,
        error=error[:200],
    )


@lru_cache(maxsize=64)
def _mark_sent_sql(vendor: str, rows: int) -> str:
    """The one statement run after accepted messages, written once per number of rows: the
    ORM would build the same UPDATE afresh each time, which costs more than running it.

    On PostgreSQL it first sets synchronous_commit for its own transaction alone (SET LOCAL;
    the first parameter): sent as one query (Django's psycopg cursors bind parameters on the
    client, so both statements go in one round trip), which PostgreSQL runs as one
    transaction, committed at its end."""
    meta = Delivery._meta
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column) for field in meta.concrete_fields}
    ids = ", ".join(["%s"] * rows)
    # Names from the model, quoted; every value is a parameter.
    update = (
        f"UPDATE {quote(meta.db_table)} SET {column['state']} = %s, "  # noqa: S608
        f"{column['sent_at']} = %s, "
        f"{column['finished_at']} = %s, {column['error']} = '' "
        f"WHERE {column['id']} IN ({ids}) AND {column['claim']} = %s "
        f"AND {column['state']} = %s"
    )
    if vendor == "postgresql":
        return f"SET LOCAL synchronous_commit TO %s; {update}"
    return update


def _mark_sent(delivery_ids: list[int], claim: str) -> None:
    """``_finish(..., SENT)`` for these rows as one prepared statement, committed at once
    (autocommit): once it returns, a killed worker's replacement never sends them again.

    On PostgreSQL that commit waits for the disk only as NEWSLETTER_SENT_SYNCHRONOUS_COMMIT
    says ("off" by default: the record is in the server when this returns, and on disk a
    fraction of a second later; see the setting). It applies to this transaction alone: the
    claim, the consent checks and every other write keep the server's own setting, and the
    next of those to commit flushes every record before it too."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [
        DeliveryState.SENT.value,
        now,
        now,
        *delivery_ids,
        claim,
        DeliveryState.CLAIMED.value,
    ]
    if connection.vendor == "postgresql":
        params.insert(0, settings.NEWSLETTER_SENT_SYNCHRONOUS_COMMIT)
    with connection.cursor() as cursor:
        cursor.execute(_mark_sent_sql(connection.vendor, len(delivery_ids)), params)


class _Recorder:
    """Records accepted messages as SENT, on the batch's own connection, while the mail
    server is busy with the next message's envelope: ``SMTPSession.begin`` sends MAIL and
    runs ``record_while_waiting`` before it reads the reply, so the commit and the server's
    work overlap without a second thread or connection (handing each record to a thread cost
    the worker more CPU than the record itself). It holds to one rule, checked before the
    server is asked to take each message (``room_for_one``): at most
    NEWSLETTER_UNRECORDED_AT_MOST messages the server has taken are not yet recorded. That is
    the crash window (see the module's docstring): a worker killed at any moment leaves at
    most that many to be sent again, each with its own fixed Message-ID. With a wider window
    the accepted messages are recorded together, one statement for the lot."""

    def __init__(self, batch: _Batch, at_most: int) -> None:
        self.batch = batch
        self.at_most = at_most
        self.accepted: list[int] = []  # taken by the server; not yet recorded

    def unrecorded(self) -> int:
        return len(self.accepted)

    def add(self, delivery_id: int) -> None:
        self.accepted.append(delivery_id)

    def record_while_waiting(self) -> None:
        """Record now if the next message could not be taken without it: what the server
        is doing meanwhile (the next MAIL) is time this costs nothing."""
        if len(self.accepted) >= self.at_most:
            self.all()

    def room_for_one(self) -> None:
        """Record until the server may take one more message within the window."""
        if len(self.accepted) >= self.at_most:
            self.all()

    def all(self) -> None:
        """Record every accepted message (raises what recording raised)."""
        if not self.accepted:
            return
        recording, self.accepted = self.accepted, []
        # Recorded, or not (the error goes up and this batch sends nothing more): either
        # way no longer pending here. Rows not recorded stay claimed, and are handed back or
        # taken over: the window's repeats.
        _until_the_database_answers(
            lambda: _mark_sent(recording, self.batch.claim), until=self.batch.lease_end
        )

    def stop(self) -> None:
        """Record what is left."""
        self.all()


# Subscriber ids no row has, standing in for a check's ids while its statement is compiled.
_MARKS = tuple(-(10**15) - n for n in range(CHECK_EVERY))
_consent_checks: dict[tuple[str, str, int], tuple[str, tuple[Any, ...], tuple[int, ...]]] = {}


def _consent_check(campaign: Campaign) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The consent re-check (``eligible_subscribers`` for up to CHECK_EVERY subscribers) as
    the ORM compiles it, with where each subscriber id goes among its parameters: compiled
    once per campaign in this process, because building it (topics, suppression,
    restrictions, objections) cost several times what running it does. Everything it reads
    is read by the statement each time it runs (the topics too, by subquery), so a consent
    withdrawn a moment ago is seen exactly as before."""
    key = (connection.alias, connection.vendor, campaign.pk)
    compiled = _consent_checks.get(key)
    if compiled is None:
        query = (
            Subscriber.objects.filter(eligible_subscribers(campaign), pk__in=_MARKS)
            .values_list("pk", flat=True)
            .query
        )
        sql, params = query.get_compiler(connection.alias).as_sql()
        slots = tuple(params.index(mark) for mark in _MARKS)
        assert all(params.count(mark) == 1 for mark in _MARKS)  # noqa: S101
        if len(_consent_checks) >= 16:
            _consent_checks.clear()
        compiled = _consent_checks[key] = (sql, tuple(params), slots)
    return compiled


def _still_eligible(campaign: Campaign, subscriber_ids: list[int]) -> set[int]:
    """Which of these subscribers (at most CHECK_EVERY) may be sent the campaign now (P16)."""
    if not subscriber_ids:
        return set()
    sql, params, slots = _consent_check(campaign)
    values = list(params)
    # A shorter list repeats its last id: the same answer from the same statement.
    padded = subscriber_ids + subscriber_ids[-1:] * (CHECK_EVERY - len(subscriber_ids))
    for slot, subscriber_id in zip(slots, padded, strict=True):
        values[slot] = subscriber_id
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return {row[0] for row in cursor.fetchall()}


def _is_sending(campaign_id: int) -> bool:
    return Campaign.objects.filter(pk=campaign_id, state=CampaignState.SENDING).exists()


class EveryMessageRefused(smtplib.SMTPException):
    """The mail server refused ``REFUSALS_IN_A_ROW`` messages in a row and accepted none: it is
    refusing us, not those recipients (relaying denied, the account suspended ...)."""


REFUSALS_IN_A_ROW = 10

# What a batch's failure means, in plain words for the communications officer, by the
# error's type (the first match in the error's class hierarchy wins).
PROBLEMS: dict[str, str] = {
    "SMTPAuthenticationError": "The mail server did not accept our sign-in details: "
    "check the SMTP settings.",
    "SMTPSenderRefused": "The mail server refused our sending address: check the SMTP settings.",
    "EveryMessageRefused": "The mail server refused every message it was given: "
    "ask your mail provider why.",
    "SMTPConnectError": "The mail server refused the connection: check the SMTP settings.",
    "ConnectionRefusedError": "The mail server refused the connection: check the SMTP settings.",
    "SMTPServerDisconnected": "The mail server closed the connection.",
    "TimeoutError": "The mail server did not answer in time.",
    "SMTPException": "The mail server refused to send the campaign.",
    "OSError": "The mail server could not be reached: check the SMTP settings.",
}
UNEXPECTED = "Something unexpected went wrong while sending."


def problem_in_plain_words(error: BaseException) -> str:
    for kind in type(error).__mro__:
        if kind.__name__ in PROBLEMS:
            return PROBLEMS[kind.__name__]
    return UNEXPECTED


def _until_the_database_answers(operation: Callable[[], T], *, until: datetime) -> T:
    """Run one small database operation, trying again while the database is unreachable (a
    restart, a fail-over) until ``until``. Used while this worker holds a lease: recording a
    message as sent must not be lost to a few seconds' outage (it would be sent again)."""
    delay = 0.2
    while True:
        try:
            return operation()
        except DATABASE_UNAVAILABLE as error:
            if timezone.now() >= until:
                raise
            if delay == 0.2:
                logger.warning(
                    "The database cannot be reached (%s); the campaign batch waits for it",
                    type(error).__name__,
                )
            with contextlib.suppress(*DATABASE_UNAVAILABLE):
                connection.close()
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


class _Batch:
    """One worker's claimed rows, the lease it holds on them, and what it has done."""

    def __init__(self, campaign_id: int, claim: str, claimed: list[_Claimed]) -> None:
        self.campaign_id = campaign_id
        self.claim = claim
        self.claimed = claimed
        self.holding = {delivery.pk for delivery in claimed}
        self.lease_end = claimed[0].claimed_until
        self.beat_at = timezone.now()
        self.sent = 0
        self.refused: list[tuple[_Claimed, str]] = []  # refusals in a row, not yet recorded
        self.recorder = _Recorder(self, settings.NEWSLETTER_UNRECORDED_AT_MOST)

    def db(self, operation: Callable[[], T]) -> T:
        """Run a database operation once every accepted message is recorded (so what is
        read or renewed is up to date, and the records land before anything after them)."""
        self.recorder.all()
        return _until_the_database_answers(operation, until=self.lease_end)

    def finish(self, delivery: _Claimed, state: DeliveryState, error: str = "") -> None:
        self.db(lambda: _finish(delivery, self.claim, state, error))
        self.holding.discard(delivery.pk)

    def heartbeat_if_due(self) -> bool:
        """Every NEWSLETTER_HEARTBEAT_SECONDS: renew the lease on the rows still held and
        show the campaign is alive. False if any row is no longer this worker's (its lease ran
        out and another worker took it): then this worker stops."""
        now = timezone.now()
        if now - self.beat_at < timedelta(seconds=settings.NEWSLETTER_HEARTBEAT_SECONDS):
            return True
        until = now + timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)
        held = self.db(
            lambda: Delivery.objects.filter(
                pk__in=self.holding, claim=self.claim, state=DeliveryState.CLAIMED
            ).update(claimed_until=until)
        )
        self.db(lambda: Campaign.objects.filter(pk=self.campaign_id).update(heartbeat_at=now))
        self.beat_at = now
        if held != len(self.holding):
            return False
        self.lease_end = until
        return True

    def refusal(self, delivery: _Claimed, error: str) -> None:
        """A message the server refused. Recorded as failed once the server accepts another;
        if it refuses REFUSALS_IN_A_ROW, it is refusing us, and they go back to the queue."""
        self.refused.append((delivery, error))
        if len(self.refused) >= REFUSALS_IN_A_ROW:
            raise EveryMessageRefused(f"{len(self.refused)} refused in a row")

    def accepted(self, delivery: _Claimed) -> None:
        """The server took the message: the recorder records it as sent while the next
        messages go out (within its window: see ``_Recorder``)."""
        self.record_refusals()
        self.recorder.add(delivery.pk)
        self.holding.discard(delivery.pk)
        self.sent += 1

    def record_refusals(self) -> None:
        for refused, error in self.refused:
            self.finish(refused, DeliveryState.FAILED, error)
        self.refused = []


def campaign_send_batch(
    *, campaign_id: int, batch_size: int | None = None, attempt: int = 1
) -> int:
    """Claim and send one batch; returns how many messages the server accepted. Enqueues the
    next batch while work remains, and finishes the campaign when none does.

    A batch that fails (the mail server unreachable or refusing us, or anything unexpected)
    is tried again after NEWSLETTER_RETRY_AFTER_SECONDS; when those run out the campaign
    stops, with the problem in plain words on its page. A database outage is left to the
    worker (``safeguarding.core.worker``), which runs the task again once it is back."""
    claim, claimed = _claim(campaign_id, batch_size=batch_size or settings.NEWSLETTER_BATCH_SIZE)
    if not claimed:
        _finish_campaign_if_done(campaign_id)
        _come_back_for_claimed_rows(campaign_id)
        return 0
    batch = _Batch(campaign_id, claim, claimed)
    try:
        _send(batch)
    except DATABASE_UNAVAILABLE:
        raise
    except Exception as error:
        _batch_failed(campaign_id, error, attempt=1 if batch.sent else attempt)
        return batch.sent
    if batch.sent:
        Campaign.objects.filter(pk=campaign_id).exclude(problem="").update(problem="")
    if _is_sending(campaign_id):
        if Delivery.objects.filter(
            campaign_id=campaign_id, state__in=(DeliveryState.PENDING, DeliveryState.CLAIMED)
        ).exists():
            _enqueue_batch(campaign_id)
        else:
            _finish_campaign_if_done(campaign_id)
    return batch.sent


@task()
def send_campaign_batch(*, campaign_id: int, attempt: int = 1) -> int:
    """The task a worker runs: one batch of a campaign (ids in; the service does the work)."""
    return campaign_send_batch(campaign_id=campaign_id, attempt=attempt)


class SMTPSession:
    """A batch's conversation with the mail server, on the connection Django's SMTP backend
    opened, sending each message in two steps: ``begin`` (MAIL, RCPT, DATA and the message,
    all but the final ".") and ``end`` (the "." that asks the server to take the message,
    and its answer). Until ``end`` the server has taken nothing: if the worker is killed
    or ``abort`` drops the connection in between, the server discards the message. Replies
    are treated as ``smtplib.SMTP.sendmail`` treats them, and raise the same errors."""

    def __init__(self, smtp: smtplib.SMTP, sender: str) -> None:
        self.smtp = smtp
        self.sender = sender
        self.mail_from = smtplib.quoteaddr(sender)  # "<address>", as smtplib writes it
        smtp.ehlo_or_helo_if_needed()
        self.announce_size = bool(smtp.does_esmtp and smtp.has_extn("size"))
        self.in_data = False
        if smtp.sock is not None and smtp.sock.family in (socket.AF_INET, socket.AF_INET6):
            # The final "." goes out on its own after the body: without this the kernel
            # holds it back until the body is acknowledged (Nagle), tens of ms a message.
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def begin(
        self, recipient: str, data: bytes, meanwhile: Callable[[], None] | None = None
    ) -> None:
        """``data`` as ``PreparedCampaign.wire`` gives it (dot-stuffed). ``meanwhile`` runs
        between sending MAIL and reading its reply: work done while the server works."""
        smtp = self.smtp
        # The recipient's address is plain (PreparedCampaign takes no other) and the sender's
        # was parsed once, so smtplib does not parse both again for every message.
        size = f" SIZE={len(data)}" if self.announce_size else ""
        smtp.putcmd("MAIL", f"FROM:{self.mail_from}{size}")
        if meanwhile is not None:
            meanwhile()
        code, reply = smtp.getreply()
        if code != 250:
            self._failed(code)
            raise smtplib.SMTPSenderRefused(code, reply, self.sender)
        code, reply = smtp.docmd("RCPT", f"TO:<{recipient}>")
        if code not in (250, 251):
            self._failed(code)
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        code, reply = smtp.docmd("DATA")
        if code != 354:
            self._failed(code)
            raise smtplib.SMTPDataError(code, reply)
        self.in_data = True
        smtp.send(data)

    def end(self) -> None:
        self.smtp.send(b".\r\n")
        self.in_data = False
        code, reply = self.smtp.getreply()
        if code != 250:
            self._failed(code)
            raise smtplib.SMTPDataError(code, reply)

    def abort(self) -> None:
        """Drop the connection if a message is half sent (no QUIT: it would be read as part
        of the message), so the server never takes it."""
        if self.in_data:
            self.in_data = False
            self.smtp.close()

    def _failed(self, code: int) -> None:
        if code == 421:  # the server is closing the connection
            self.smtp.close()
            return
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            self.smtp.rset()


def _send(batch: _Batch) -> None:
    campaign = Campaign.objects.get(pk=batch.campaign_id)
    rendered = render_campaign(campaign)
    smtp_timeout = max(2, settings.NEWSLETTER_CLAIM_SECONDS // 4)
    rate = settings.NEWSLETTER_RATE_PER_SECOND
    # The campaign's rate, shared between the batches that may be sending at once.
    interval = settings.NEWSLETTER_PARALLEL_BATCHES / rate if rate else 0.0
    next_send = time.monotonic()
    eligible: set[int] = set()
    connection = get_connection(timeout=smtp_timeout)
    prepared = PreparedCampaign(rendered)
    sender = sanitize_address(str(settings.DEFAULT_FROM_EMAIL), settings.DEFAULT_CHARSET)
    session: SMTPSession | None = None
    try:
        connection.open()
        # Django's SMTP backend: the prepared bytes go straight to its open connection, in
        # two steps (SMTPSession). Any other backend gets whole messages.
        smtp = connection.connection if isinstance(connection, SMTPBackend) else None
        if smtp is not None and prepared.usable:
            session = SMTPSession(smtp, sender)
        for position, delivery in enumerate(batch.claimed):
            if position % CHECK_EVERY == 0:
                if not batch.db(lambda: _is_sending(batch.campaign_id)):
                    break
                chunk = [
                    d.subscriber_id
                    for d in batch.claimed[position : position + CHECK_EVERY]
                    if d.subscriber_id is not None
                ]
                eligible = batch.db(lambda: _still_eligible(campaign, chunk))  # noqa: B023
            if not batch.heartbeat_if_due():
                break
            if timezone.now() + timedelta(seconds=smtp_timeout + 1) >= batch.lease_end:
                break  # let the rest go back rather than risk overlapping another worker
            recipient = delivery.subscriber
            if recipient is None or recipient.pk not in eligible:
                batch.finish(delivery, DeliveryState.SKIPPED)
                continue
            if interval:
                delay = next_send - time.monotonic()
                if delay > 0:
                    # Nothing to overlap the record with: it is written before the wait,
                    # so a worker killed while it waits repeats nothing.
                    batch.recorder.all()
                    time.sleep(delay)
                next_send = max(next_send + interval, time.monotonic() - interval)
            message_id = delivery_message_id(delivery.pk)
            data = prepared.wire(recipient, message_id) if session else None
            try:
                if session and data is not None:
                    # The previous message is recorded while the server reads this MAIL.
                    session.begin(recipient.email, data, batch.recorder.record_while_waiting)
                    batch.recorder.room_for_one()  # only then may the server take it
                    session.end()
                else:
                    batch.recorder.room_for_one()
                    message = campaign_message(
                        rendered, subscriber=recipient, message_id=message_id
                    )
                    message.connection = connection
                    message.send()
            except smtplib.SMTPRecipientsRefused as refused:
                batch.refusal(delivery, _smtp_error(refused))
                continue
            except smtplib.SMTPDataError as error:
                if not 500 <= error.smtp_code < 600:
                    raise  # "try again later": the whole batch is tried again
                batch.refusal(delivery, f"{error.smtp_code}")
                continue
            batch.accepted(delivery)
        batch.record_refusals()
    finally:
        try:
            if session is not None:
                session.abort()  # first: a half-sent message must never be taken
            batch.recorder.stop()  # before the release: the last records must land first
        finally:
            try:
                connection.close()
            finally:
                # Back to the queue: what this worker claimed and did not finish, including
                # refusals not yet recorded (the server was refusing us, not them).
                batch.db(lambda: _release(batch.claim, [d.pk for d in batch.claimed]))


def _batch_failed(campaign_id: int, error: Exception, *, attempt: int) -> None:
    """Try the batch again later, or stop the campaign when the retries have run out."""
    problem = problem_in_plain_words(error)
    reason = type(error).__name__
    waits = settings.NEWSLETTER_RETRY_AFTER_SECONDS
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.state != CampaignState.SENDING:
            return
        campaign.problem = problem
        if attempt <= len(waits):
            campaign.save(update_fields=["problem"])
            when = timezone.now() + timedelta(seconds=waits[attempt - 1])
            _enqueue_batch(campaign_id, run_after=when, attempt=attempt + 1)
            logger.warning(
                "Campaign %s: a batch failed (%s); trying again in %ss",
                campaign_id,
                reason,
                waits[attempt - 1],
            )
            return
        campaign.state = CampaignState.STOPPED
        campaign.save(update_fields=["state", "problem"])
        audit_log(
            action="newsletter.campaign.stopped",
            actor=None,
            target=campaign,
            details={"reason": reason, "attempts": attempt, **campaign_progress(campaign)},
        )
        FailedEmail.objects.create(
            task=send_campaign_batch_path(),
            description=f"Newsletter campaign “{campaign.subject}”"[:200],
            reason=reason,
            attempts=attempt,
        )
    logger.error("Campaign %s: stopped after %s failed batches (%s)", campaign_id, attempt, reason)


def send_campaign_batch_path() -> str:
    return send_campaign_batch.module_path


def _smtp_error(refused: smtplib.SMTPRecipientsRefused) -> str:
    codes = [str(code) for code, _ in refused.recipients.values()]
    return "refused: " + ",".join(codes)


def _release(claim: str, ids: list[int] | set[int]) -> None:
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


def _batch_waiting(campaign_id: int) -> bool:
    """Whether a batch for the campaign is queued (due now or later: a retry, or the batch
    that comes back for claimed rows). A batch marked running is not counted: while it runs
    it renews the heartbeat, so under a stalled heartbeat its worker is gone."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(
        task_path=send_campaign_batch_path(), status=TaskResultStatus.READY
    ).values_list("args_kwargs", flat=True)
    return any(args["kwargs"].get("campaign_id") == campaign_id for args in queued)


def recover_stalled_campaigns() -> list[int]:
    """Sending campaigns whose heartbeat stopped (no batch has renewed it for
    NEWSLETTER_STALLED_SECONDS) and with no batch queued: their worker was lost, so start a
    batch, which takes over the rows whose lease has run out. Run every few seconds by each
    worker (``safeguarding.core.worker``); the campaign's row lock and the fresh heartbeat
    stop two workers starting two batches for one stall."""
    stale = timezone.now() - timedelta(seconds=settings.NEWSLETTER_STALLED_SECONDS)
    stalled = Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True)
    recovered: list[int] = []
    candidates = Campaign.objects.filter(stalled, state=CampaignState.SENDING)
    for campaign_id in candidates.values_list("pk", flat=True):
        if _batch_waiting(campaign_id):
            continue
        with transaction.atomic(durable=True):
            campaign = (
                Campaign.objects.select_for_update()
                .filter(stalled, pk=campaign_id, state=CampaignState.SENDING)
                .first()
            )
            if campaign is None:
                continue  # another worker got there first
            campaign.heartbeat_at = timezone.now()
            campaign.save(update_fields=["heartbeat_at"])
            audit_log(action="newsletter.campaign.recovered", actor=None, target=campaign)
            _enqueue_batches(campaign_id)
        logger.warning("Campaign %s: its worker was lost; a new batch takes over", campaign_id)
        recovered.append(campaign_id)
    return recovered
