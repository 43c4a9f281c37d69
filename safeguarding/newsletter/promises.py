"""The newsletter's promise checks for ``check_promises`` (``safeguarding.core.promises``): P16
(consent) and P17 (leaving at any time), with the evidence they read."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.test import Client
from django.utils import timezone

from safeguarding.core.promises import Outcome, promise
from safeguarding.inventory import purposes
from safeguarding.newsletter.messages import RenderedCampaign, campaign_message
from safeguarding.newsletter.models import Consent, Delivery, DeliveryState, Subscriber, Suppression
from safeguarding.privacy.retention.engine import effective_periods


def unconsented_deliveries() -> tuple[int, int]:
    """(checked, without consent) for messages sent while withdrawn consents are still kept:
    each needs a consent for one of its campaign's topics, confirmed before it was sent and
    not withdrawn before then."""
    days = effective_periods().get("newsletter_consent_ended", 7)
    since = timezone.now() - timedelta(days=days)
    sent = Delivery.objects.filter(
        state=DeliveryState.SENT, sent_at__gte=since, subscriber__isnull=False
    )
    consent = Consent.objects.filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=OuterRef("sent_at")),
        subscriber=OuterRef("subscriber"),
        topic__campaigns=OuterRef("campaign"),
        confirmed_at__lte=OuterRef("sent_at"),
    )
    return sent.count(), sent.exclude(Exists(consent)).count()


def one_click_problems() -> list[str]:
    """Builds a real campaign message and POSTs its one-click URL as a mail client would."""
    problems = []
    nobody = Subscriber(pk=0, email="check@example.invalid", address_hash="0" * 64)
    message = campaign_message(
        RenderedCampaign("Check", "<p>Check</p>", "Check"), subscriber=nobody
    )
    header = message.extra_headers.get("List-Unsubscribe", "")
    uris = re.findall(r"<([^>]+)>", header)
    if not any(u.startswith("mailto:") for u in uris):
        problems.append("List-Unsubscribe has no mailto")
    https = [u for u in uris if u.startswith(("https://", "http://"))]
    if not https:
        problems.append("List-Unsubscribe has no HTTPS URL")
    if message.extra_headers.get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click":
        problems.append("List-Unsubscribe-Post is missing")
    if "/newsletter/unsubscribe/" not in str(message.body) or "/newsletter/manage/" not in str(
        message.body
    ):
        problems.append("the body lacks the unsubscribe or manage link")
    if https:
        path = "/newsletter/unsubscribe/" + https[0].split("/newsletter/unsubscribe/", 1)[1]
        site = urlsplit(str(settings.SITE_URL))
        client = Client(
            enforce_csrf_checks=True, HTTP_HOST=site.netloc, secure=site.scheme == "https"
        )
        response = client.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        if response.status_code != 200:
            problems.append(f"one-click POST answered {response.status_code}")
    return problems


def suppression_problems() -> list[str]:
    problems = []
    not_hashes = Suppression.objects.exclude(address_hash__regex=r"^[0-9a-f]{64}$").count()
    if not_hashes:
        problems.append(f"{not_hashes} suppression(s) not stored as a keyed hash")
    mailable = Subscriber.objects.filter(
        Exists(Suppression.objects.filter(address_hash=OuterRef("address_hash"))),
        consents__confirmed_at__isnull=False,
        consents__withdrawn_at__isnull=True,
    ).count()
    if mailable:
        problems.append(f"{mailable} suppressed address(es) still have a live consent")
    return problems


@promise("P16")
def newsletter_consent() -> tuple[Outcome, str]:
    purpose = purposes.get("newsletter")
    if purpose is None or purpose.lawful_basis != "6(1)(a) consent":
        return Outcome.FAIL, "the newsletter purpose is missing or not based on consent"
    checked, unconsented = unconsented_deliveries()
    if unconsented:
        return Outcome.FAIL, (
            f"{unconsented} message(s) sent without a confirmed consent for the campaign's topic"
        )
    return Outcome.PASS, (
        f"{checked} message(s) sent in the consent-evidence window, each with a confirmed, "
        "unwithdrawn consent for its topic at the time it was sent"
    )


@promise("P17")
def newsletter_unsubscribe() -> tuple[Outcome, str]:
    problems = one_click_problems() + suppression_problems()
    if problems:
        return Outcome.FAIL, "; ".join(problems)
    return Outcome.PASS, (
        "every campaign message carries List-Unsubscribe (HTTPS and mailto) with "
        "List-Unsubscribe-Post One-Click and body links; the one-click URL takes a POST "
        "without a session or CSRF token; suppressions are keyed hashes and none is mailable"
    )
