"""Subscribers and campaigns for newsletter tests (invented addresses only)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import (
    Campaign,
    Consent,
    ConsentMethod,
    ConsentWording,
    Subscriber,
    Topic,
)


def ensure_defaults() -> None:
    """The topics and wording migration 0002 makes (a transactional test elsewhere may have
    flushed them)."""
    create = import_module("safeguarding.newsletter.migrations.0002_topics_and_wording").create
    create(django_apps, None)


def topic(slug: str = "newsletter") -> Topic:
    ensure_defaults()
    return Topic.objects.get(slug=slug)


def confirmed_subscriber(email: str, *topic_slugs: str) -> Subscriber:
    """A subscriber who confirmed the web form for each topic (default: the newsletter)."""
    ensure_defaults()
    now = timezone.now()
    subscriber = Subscriber.objects.create(
        email=email, address_hash=address_hash(email), confirmed_at=now
    )
    wording = ConsentWording.objects.order_by("-version").first()
    assert wording is not None
    for slug in topic_slugs or ("newsletter",):
        Consent.objects.create(
            subscriber=subscriber,
            topic=topic(slug),
            wording=wording,
            method=ConsentMethod.WEB_FORM,
            given_at=now,
            confirmed_at=now,
        )
    return subscriber


def campaign(
    *,
    subject: str = "March newsletter",
    body: str = "# Hello\n\nNews.",
    topics: Iterable[str] = ("newsletter",),
    created_by: User | None = None,
) -> Campaign:
    made = Campaign.objects.create(subject=subject, body_markdown=body, created_by=created_by)
    made.topics.set([topic(slug) for slug in topics])
    return made
