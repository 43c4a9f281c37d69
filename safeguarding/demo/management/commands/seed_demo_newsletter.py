from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import (
    Campaign,
    Consent,
    ConsentMethod,
    ConsentWording,
    Subscriber,
    Topic,
)
from safeguarding.newsletter.sending import campaign_start

DEMO_DOMAIN = "demo.invalid"  # reserved: mail to it can never be delivered
CHUNK = 5000

DEMO_BODY = """# Demo newsletter (invented)

This campaign and every subscriber in this demo are **invented**.

- A new briefing on [working together](https://www.gov.uk/government/publications/working-together-to-safeguard-children--2)
- Dates for next term's multi-agency training
"""


class Command(BaseCommand):
    help = (
        "Create invented newsletter subscribers (reader<N>@demo.invalid, confirmed for the "
        "NSCP newsletter) and a draft demo campaign. Refuses to run unless DEMO_MODE is on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--readers", type=int, default=25, help="how many subscribers")
        parser.add_argument(
            "--start", action="store_true", help="start sending the demo campaign now"
        )

    def handle(self, *args: Any, readers: int, start: bool, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo_newsletter only runs in demo mode (DEMO_MODE=true).")
        topic = Topic.objects.get(slug="newsletter")
        wording = ConsentWording.objects.order_by("-version").first()
        if wording is None:
            raise CommandError("No consent wording: run migrate first.")
        now = timezone.now()
        existing = Subscriber.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").count()
        with transaction.atomic():
            for first in range(existing, readers, CHUNK):
                emails = [
                    f"reader{n}@{DEMO_DOMAIN}" for n in range(first, min(readers, first + CHUNK))
                ]
                made = Subscriber.objects.bulk_create(
                    Subscriber(email=e, name="", address_hash=address_hash(e), confirmed_at=now)
                    for e in emails
                )
                if not all(s.pk for s in made):  # databases that return no ids
                    made = list(Subscriber.objects.filter(email__in=emails))
                Consent.objects.bulk_create(
                    Consent(
                        subscriber=s,
                        topic=topic,
                        wording=wording,
                        method=ConsentMethod.IMPORT,
                        evidence="Invented demo data",
                        given_at=now,
                        confirmed_at=now,
                    )
                    for s in made
                )
            campaign, _ = Campaign.objects.get_or_create(
                subject="Demo newsletter (invented)", defaults={"body_markdown": DEMO_BODY}
            )
            campaign.topics.add(topic)
        if start:  # a service of its own, in its own transaction
            campaign_start(campaign_id=campaign.pk, actor=None)
        self.stdout.write(
            f"Demo newsletter: {max(0, readers - existing)} invented subscriber(s) added; "
            f"campaign {campaign.pk} {'sending' if start else 'drafted'}."
        )
