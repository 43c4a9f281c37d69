"""Topics people can subscribe to, as the communications officer configures them: add, rename,
reorder, retire and bring back. Each service is one transaction with its own audit entry.

A topic's code (its slug) never changes once made: import files name topics by it, and the
audit trail uses it. Renaming keeps everyone's consent, so the old and new names are audited
and the page warns that a change of purpose needs a new topic, not a new name.

Retiring a topic ends every consent to it at once (nobody can be sent anything about it any
more); the consent evidence is then deleted by the ``newsletter_consent_ended`` rule, and a
subscriber left with no topic at all by the ``newsletter_no_topics`` rule, both through the
retention sweep so legal holds are honoured. Bringing a retired topic back does not bring
anyone back: people sign up to it again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.newsletter.models import Campaign, CampaignState, Consent, Topic

LIVE = Q(withdrawn_at__isnull=True, confirmed_at__isnull=False)
# Campaigns that will still send to their topics' subscribers.
COMMITTED = (
    CampaignState.SCHEDULED,
    CampaignState.SENDING,
    CampaignState.PAUSED,
    CampaignState.STOPPED,
)


def topics_for_staff() -> list[Topic]:
    """Every topic, active first, with ``subscribers``: how many confirmed consents it has."""
    return list(
        Topic.objects.annotate(
            subscribers=Count(
                "consents",
                filter=Q(consents__withdrawn_at__isnull=True, consents__confirmed_at__isnull=False),
            )
        ).order_by("-is_active", "position", "name")
    )


@dataclass(frozen=True)
class RetireImpact:
    """What retiring a topic would do, shown before the officer confirms."""

    consents: int  # confirmed consents that end
    left_with_nothing: int  # of those people, how many have no other topic
    blocking: list[Campaign]  # scheduled, sending or paused campaigns for this topic


def retire_impact(topic: Topic) -> RetireImpact:
    live = Consent.objects.filter(LIVE, topic=topic)
    other_topic = Consent.objects.filter(
        LIVE, subscriber=OuterRef("subscriber"), topic__is_active=True
    ).exclude(topic=topic)
    return RetireImpact(
        consents=live.count(),
        left_with_nothing=live.filter(~Exists(other_topic)).count(),
        blocking=list(topic.campaigns.filter(state__in=COMMITTED).order_by("pk")),
    )


def _unique_name(name: str, *, exclude: int | None = None) -> None:
    clash = Topic.objects.filter(is_active=True, name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": "Another topic people can sign up to has this name"})


@transaction.atomic(durable=True)
def topic_add(*, actor: User, name: str, description: str, slug: str = "") -> Topic:
    name = name.strip()
    code = slugify(slug) or slugify(name)
    if not code:
        raise ValidationError({"slug": "Enter a code made of letters, numbers and hyphens"})
    _unique_name(name)
    last = Topic.objects.order_by("-position").values_list("position", flat=True).first()
    topic = Topic(
        slug=code,
        name=name,
        description=description.strip(),
        position=(last or 0) + 1,
    )
    topic.full_clean(validate_unique=False)  # the database's unique index decides, race-free
    try:
        with transaction.atomic():
            topic.save()
    except IntegrityError:
        raise ValidationError({"slug": f"A topic with the code “{code}” already exists"}) from None
    audit_log(
        action="newsletter.topic.added",
        actor=actor,
        target=topic,
        details={"slug": topic.slug, "name": topic.name},
    )
    return topic


@transaction.atomic(durable=True)
def topic_change(
    *, actor: User, topic_id: int, name: str, description: str, position: int
) -> Topic:
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    name = name.strip()
    if topic.is_active:
        _unique_name(name, exclude=topic.pk)
    before = {"name": topic.name, "description": topic.description, "position": topic.position}
    topic.name = name
    topic.description = description.strip()
    topic.position = position
    topic.full_clean()
    topic.save(update_fields=["name", "description", "position"])
    after = {"name": topic.name, "description": topic.description, "position": topic.position}
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed:
        audit_log(
            action="newsletter.topic.changed",
            actor=actor,
            target=topic,
            details={"slug": topic.slug, "changed": changed},
        )
    return topic


@transaction.atomic(durable=True)
def topic_retire(*, actor: User, topic_id: int) -> int:
    """Stop offering the topic and end every consent to it. Returns how many consents ended.

    Refused while a scheduled, sending or paused campaign is for this topic: its recipients
    were chosen for it, so finish or cancel it first."""
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    if not topic.is_active:
        raise ValidationError("This topic is already retired.")
    blocking = retire_impact(topic).blocking
    if blocking:
        raise ValidationError(
            "Campaigns that are scheduled or still sending are for this topic: "
            + ", ".join(f"“{campaign.subject}”" for campaign in blocking)
            + ". Let them finish first."
        )
    topic.is_active = False
    topic.save(update_fields=["is_active"])
    ended = Consent.objects.filter(topic=topic, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    audit_log(
        action="newsletter.topic.retired",
        actor=actor,
        target=topic,
        details={"slug": topic.slug, "consents_ended": ended},
    )
    return ended


@transaction.atomic(durable=True)
def topic_reinstate(*, actor: User, topic_id: int) -> Topic:
    """Offer a retired topic again. Nobody is subscribed to it until they sign up again."""
    topic = Topic.objects.select_for_update().get(pk=topic_id)
    if topic.is_active:
        raise ValidationError("This topic is already offered.")
    _unique_name(topic.name, exclude=topic.pk)
    topic.is_active = True
    topic.save(update_fields=["is_active"])
    audit_log(
        action="newsletter.topic.reinstated",
        actor=actor,
        target=topic,
        details={"slug": topic.slug},
    )
    return topic
