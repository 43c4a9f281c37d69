"""Subscriptions: sign-up with double opt-in, confirmation, changing topics, leaving, and the
suppression list. Each service is one transaction that writes its own audit entry; audit
entries name the subscriber by id, never by address."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.core.addresses import normalise_email
from safeguarding.core.corrections import correct_text_field
from safeguarding.core.tasks import deliver_email, email_task, enqueue_in_transaction
from safeguarding.newsletter import tokens
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import (
    Consent,
    ConsentMethod,
    ConsentWording,
    Subscriber,
    Suppression,
    SuppressionReason,
    Topic,
)

TARGET = "newsletter.Subscriber"


def current_wording() -> ConsentWording:
    wording = ConsentWording.objects.order_by("-version").first()
    if wording is None:
        raise ValidationError("No consent wording has been set up.")
    return wording


@transaction.atomic(durable=True)
def consent_wording_change(*, text: str, actor: User) -> ConsentWording:
    """A new version of the wording; existing evidence keeps pointing at the old one."""
    text = text.strip()
    latest = ConsentWording.objects.select_for_update().order_by("-version").first()
    if latest is not None and latest.text == text:
        return latest
    wording = ConsentWording(
        version=(latest.version + 1) if latest else 1, text=text, created_by=actor
    )
    wording.full_clean()
    wording.save()
    audit_log(action="newsletter.wording.changed", actor=actor, target=wording)
    return wording


def is_suppressed(email: str) -> bool:
    return Suppression.objects.filter(address_hash=address_hash(email)).exists()


@transaction.atomic(durable=True)
def subscriber_sign_up(
    *, email: str, name: str, topics: Iterable[Topic], wording: ConsentWording
) -> Subscriber:
    """Record unconfirmed consent for each topic and email a confirmation link. Nothing else
    is sent to the address until it is confirmed. A confirmed subscriber's details are not
    changed by someone typing their address into the form."""
    email = normalise_email(email)
    topics = list(topics)
    if not topics:
        raise ValidationError("Choose at least one topic.")
    subscriber = Subscriber.objects.filter(email=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email, name=name.strip(), address_hash=address_hash(email))
        subscriber.full_clean()
        subscriber.save()
    live = {c.topic_id: c for c in subscriber.consents.filter(withdrawn_at__isnull=True)}
    pending: list[int] = []
    pending_topics: list[Topic] = []
    for topic in topics:
        existing = live.get(topic.pk)
        if existing is not None and existing.confirmed_at is not None:
            continue
        if existing is not None:
            existing.delete()  # an older unconfirmed request for the same topic
        consent = Consent.objects.create(
            subscriber=subscriber, topic=topic, wording=wording, method=ConsentMethod.WEB_FORM
        )
        pending.append(consent.pk)
        pending_topics.append(topic)
    audit_log(
        action="newsletter.subscriber.signed_up",
        actor=None,
        target_type=TARGET,
        target_id=subscriber.pk,
        details={"topics": [t.slug for t in topics], "wording": wording.version},
    )
    if pending:
        # The task makes the link itself: the queue holds ids, never a live link.
        enqueue_in_transaction(send_confirmation, subscriber_id=subscriber.pk, consent_ids=pending)
    return subscriber


@email_task("A newsletter sign-up confirmation")
def send_confirmation(*, subscriber_id: int, consent_ids: list[int]) -> int:
    """Email the link that confirms these consents, made now; nothing if they are gone."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    consents = list(
        Consent.objects.filter(
            pk__in=consent_ids, subscriber_id=subscriber_id, withdrawn_at__isnull=True
        ).select_related("topic")
    )
    if subscriber is None or not consents:
        return 0
    token = tokens.make(tokens.CONFIRM, subscriber, c=[consent.pk for consent in consents])
    context = {
        "url": tokens.absolute("newsletter:confirm", token),
        "topics": [consent.topic for consent in consents],
        "days": tokens.CONFIRM_VALID_FOR.days,
        "partnership": settings.PARTNERSHIP,
    }
    return deliver_email(
        subject=render_to_string("newsletter/email/confirm_subject.txt", context),
        body=render_to_string("newsletter/email/confirm.txt", context),
        to=[subscriber.email],
    )


class Confirmation(StrEnum):
    CONFIRMED = "confirmed"
    ALREADY = "already confirmed"
    GONE = "gone"


@dataclass(frozen=True)
class ConfirmResult:
    outcome: Confirmation
    subscriber: Subscriber | None


@transaction.atomic(durable=True)
def subscriber_confirm(
    *, subscriber_id: int, address_prefix: str, consent_ids: list[int]
) -> ConfirmResult:
    """Confirm the consents a confirmation link was sent for. Lifts any suppression of the
    address: a confirmed double opt-in is a new, clear request to be mailed."""
    subscriber = tokens.subscriber_for({"s": subscriber_id, "h": address_prefix})
    if subscriber is None:
        return ConfirmResult(Confirmation.GONE, None)
    consents = Consent.objects.select_for_update().filter(
        pk__in=consent_ids, subscriber=subscriber, withdrawn_at__isnull=True
    )
    waiting = [c for c in consents if c.confirmed_at is None]
    if not consents:
        return ConfirmResult(Confirmation.GONE, subscriber)
    if not waiting:
        return ConfirmResult(Confirmation.ALREADY, subscriber)
    now = timezone.now()
    Consent.objects.filter(pk__in=[c.pk for c in waiting]).update(confirmed_at=now)
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["confirmed_at"])
    lifted, _ = Suppression.objects.filter(address_hash=subscriber.address_hash).delete()
    audit_log(
        action="newsletter.subscriber.confirmed",
        actor=None,
        target_type=TARGET,
        target_id=subscriber.pk,
        details={"consents": [c.pk for c in waiting], "suppression_lifted": bool(lifted)},
    )
    return ConfirmResult(Confirmation.CONFIRMED, subscriber)


@transaction.atomic(durable=True)
def subscriber_change_topics(*, subscriber: Subscriber, topics: Iterable[Topic]) -> bool:
    """From the manage page (a link only the address's owner received). Returns False when
    no topic is left, in which case the subscriber has been removed and suppressed."""
    wanted = {t.pk: t for t in topics}
    if not wanted:
        subscriber_unsubscribe_all(subscriber=subscriber, reason=SuppressionReason.UNSUBSCRIBED)
        return False
    now = timezone.now()
    live = {c.topic_id: c for c in subscriber.consents.filter(withdrawn_at__isnull=True)}
    dropped = [c.pk for topic_id, c in live.items() if topic_id not in wanted]
    Consent.objects.filter(pk__in=dropped).update(withdrawn_at=now)
    wording = current_wording()
    added = []
    for topic_id, topic in wanted.items():
        existing = live.get(topic_id)
        if existing is not None and existing.confirmed_at is not None:
            continue
        if existing is not None:
            existing.delete()
        Consent.objects.create(
            subscriber=subscriber,
            topic=topic,
            wording=wording,
            method=ConsentMethod.WEB_FORM,
            given_at=now,
            confirmed_at=now,
        )
        added.append(topic.slug)
    audit_log(
        action="newsletter.subscriber.topics_changed",
        actor=None,
        target_type=TARGET,
        target_id=subscriber.pk,
        details={"withdrawn": len(dropped), "added": added},
    )
    return True


@transaction.atomic
def subscriber_unsubscribe_all(
    *,
    subscriber: Subscriber,
    reason: SuppressionReason,
    actor: User | None = None,
    why: str = "",
) -> None:
    """Delete the subscriber and their consent records, keeping only the keyed hash of the
    address so nothing can silently subscribe it again. ``actor`` and ``why``: a member of
    staff did it at the person's request."""
    suppress_address_hash(digest=subscriber.address_hash, reason=reason)
    subscriber_id = subscriber.pk
    subscriber.delete()
    audit_log(
        action="newsletter.subscriber.unsubscribed",
        actor=actor,
        target_type=TARGET,
        target_id=subscriber_id,
        reason=why,
        details={"reason": str(reason)},
    )


def _staff_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you are doing this for them"})
    return reason


@transaction.atomic(durable=True)
def subscriber_unsubscribe_for(*, subscriber_id: int, reason: str, actor: User) -> None:
    """A member of staff unsubscribes someone from everything at their request (by phone,
    say): the same as the person's own unsubscribe, with who did it and why."""
    why = _staff_reason(reason)
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None:
        raise ValidationError("This subscriber has already unsubscribed.")
    subscriber_unsubscribe_all(
        subscriber=subscriber, reason=SuppressionReason.UNSUBSCRIBED, actor=actor, why=why
    )


@transaction.atomic(durable=True)
def subscriber_withdraw_topics_for(
    *, subscriber_id: int, keep: Iterable[Topic], reason: str, actor: User
) -> int:
    """A member of staff stops topics for someone at their request, keeping ``keep``; returns
    how many subscriptions ended. Staff never add a topic for someone: consent is given by
    the person (the sign-up form) or entered with its evidence (a paper form). Keeping
    nothing is unsubscribing from everything, which has its own page."""
    why = _staff_reason(reason)
    subscriber = Subscriber.objects.select_for_update().filter(pk=subscriber_id).first()
    if subscriber is None:
        raise ValidationError("This subscriber has already unsubscribed.")
    kept = {topic.pk for topic in keep}
    if not kept:
        raise ValidationError(
            {"keep": "Keep at least one topic, or unsubscribe them from everything instead"}
        )
    ending = subscriber.consents.filter(withdrawn_at__isnull=True).exclude(topic_id__in=kept)
    dropped = list(ending.values_list("pk", flat=True))
    if not dropped:
        raise ValidationError({"keep": "Untick the topics they no longer want"})
    Consent.objects.filter(pk__in=dropped).update(withdrawn_at=timezone.now())
    audit_log(
        action="newsletter.subscriber.topics_withdrawn",
        actor=actor,
        target_type=TARGET,
        target_id=subscriber.pk,
        reason=why,
        details={"withdrawn": len(dropped)},
    )
    return len(dropped)


def suppress_address_hash(*, digest: str, reason: SuppressionReason) -> None:
    Suppression.objects.get_or_create(address_hash=digest, defaults={"reason": reason})


@transaction.atomic(durable=True)
def unsubscribe_by_token(*, payload: dict[str, object]) -> None:
    """RFC 8058 one-click, the mailto form and the page's button all end here. An unknown or
    already removed subscriber is not an error: the caller says "done" either way."""
    subscriber = tokens.subscriber_for(payload)
    if subscriber is not None:
        subscriber_unsubscribe_all(subscriber=subscriber, reason=SuppressionReason.UNSUBSCRIBED)


@transaction.atomic(durable=True)
def consent_record_offline(
    *,
    email: str,
    name: str,
    topics: Iterable[Topic],
    method: ConsentMethod,
    evidence: str,
    given_at: datetime,
    actor: User,
) -> Subscriber | None:
    """Staff enter a paper form with its evidence. A suppressed address is refused (returns
    None): only the person's own double opt-in lifts a suppression."""
    return record_offline_within(
        email=email,
        name=name,
        topics=topics,
        method=method,
        evidence=evidence,
        given_at=given_at,
        actor=actor,
    )


def record_offline_within(
    *,
    email: str,
    name: str,
    topics: Iterable[Topic],
    method: ConsentMethod,
    evidence: str,
    given_at: datetime,
    actor: User,
) -> Subscriber | None:
    """``consent_record_offline`` inside the caller's transaction: an import records every
    row in one."""
    email = normalise_email(email)
    if method is ConsentMethod.WEB_FORM or not evidence.strip():
        raise ValidationError("Consent entered by staff needs its evidence.")
    if is_suppressed(email):
        return None
    now = timezone.now()
    subscriber, created = Subscriber.objects.get_or_create(
        email=email,
        defaults={"name": name.strip(), "address_hash": address_hash(email), "confirmed_at": now},
    )
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now
        subscriber.save(update_fields=["confirmed_at"])
    wording = current_wording()
    live = set(
        subscriber.consents.filter(
            withdrawn_at__isnull=True, confirmed_at__isnull=False
        ).values_list("topic_id", flat=True)
    )
    for topic in topics:
        if topic.pk in live:
            continue
        subscriber.consents.filter(topic=topic, withdrawn_at__isnull=True).delete()
        consent = Consent(
            subscriber=subscriber,
            topic=topic,
            wording=wording,
            method=method,
            evidence=evidence.strip(),
            recorded_by=actor,
            given_at=given_at,
            confirmed_at=now,
        )
        consent.full_clean()
        consent.save()
    audit_log(
        action="newsletter.consent.recorded",
        actor=actor,
        target_type=TARGET,
        target_id=subscriber.pk,
        details={"method": str(method), "new_subscriber": created},
    )
    return subscriber


@transaction.atomic
def subscriber_correct_name(*, subscriber: Subscriber, name: str, actor: User) -> None:
    """Correct the name a subscriber gave (a rectification request)."""
    correct_text_field(subscriber, "name", name, label="Name")
    audit_log(
        action="newsletter.subscriber.corrected",
        actor=actor,
        target_type=TARGET,
        target_id=subscriber.pk,
        details={"field": "name"},
    )
