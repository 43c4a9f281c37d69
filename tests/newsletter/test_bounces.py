"""Bounces and complaints: from the provider webhook (anymail) and from the bounce mailbox."""

from __future__ import annotations

import base64
import io
import json
import mailbox
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.bounces import Bounce, bounce_record
from safeguarding.newsletter.models import Subscriber, Suppression, SuppressionReason
from tests.newsletter.factories import confirmed_subscriber

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.net"
SECRET = "provider:an-invented-webhook-secret"


def test_a_hard_bounce_suppresses_and_removes_the_subscriber() -> None:
    confirmed_subscriber(ADDRESS)

    assert bounce_record(email=ADDRESS, kind=Bounce.HARD, source="test")

    assert not Subscriber.objects.exists()
    assert Suppression.objects.get().reason == SuppressionReason.HARD_BOUNCE


def test_soft_bounces_are_counted_and_suppress_at_the_threshold(settings: object) -> None:
    confirmed_subscriber(ADDRESS)

    results = [bounce_record(email=ADDRESS, kind=Bounce.SOFT, source="test") for _ in range(3)]

    assert results == [False, False, True]
    assert Suppression.objects.get().reason == SuppressionReason.SOFT_BOUNCES


def postmark(client: Client, payload: dict[str, object], secret: str = SECRET) -> int:
    auth = base64.b64encode(secret.encode()).decode()
    return client.post(
        "/newsletter/provider/postmark/tracking/",
        data=json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {auth}",
    ).status_code


def test_a_provider_complaint_through_the_webhook_suppresses(
    client: Client, settings: object
) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}  # type: ignore[attr-defined]
    confirmed_subscriber(ADDRESS)

    status = postmark(
        client,
        {
            "RecordType": "SpamComplaint",
            "Email": ADDRESS,
            "MessageID": "x",
            "Type": "SpamComplaint",
            "TypeCode": 512,
            "BouncedAt": "2026-01-01T00:00:00Z",
        },
    )

    assert status == 200
    assert Suppression.objects.get().reason == SuppressionReason.COMPLAINT


def test_the_webhook_refuses_a_wrong_secret(client: Client, settings: object) -> None:
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}  # type: ignore[attr-defined]
    confirmed_subscriber(ADDRESS)

    status = postmark(
        client, {"RecordType": "Bounce", "Email": ADDRESS, "Type": "HardBounce"}, "x:y"
    )

    assert status in (400, 401, 403)
    assert Subscriber.objects.exists()


DSN = """From: MAILER-DAEMON@mx.example.net
To: bounces@example.org
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b1"

--b1
Content-Type: text/plain

Your message could not be delivered.

--b1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}

--b1--
"""


def dsn(recipient: str, *, action: str, status: str) -> bytes:
    """A delivery status notification as a receiving server writes one (RFC 3464)."""
    return DSN.format(recipient=recipient, action=action, status=status).encode()


def test_the_bounce_mailbox_command_suppresses_hard_bounces_only(tmp_path: Path) -> None:
    confirmed_subscriber("gone@example.net")
    confirmed_subscriber("busy@example.net")
    box = mailbox.mbox(tmp_path / "bounces.mbox")
    box.add(dsn("gone@example.net", action="failed", status="5.1.1"))
    box.add(dsn("busy@example.net", action="delayed", status="4.2.2"))
    box.close()
    out = io.StringIO()

    call_command("newsletter_bounces", str(tmp_path / "bounces.mbox"), stdout=out)

    assert "2 bounce report(s) read, 1 address(es) suppressed" in out.getvalue()
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["busy@example.net"]
    assert Subscriber.objects.get().soft_bounces == 1
    assert Suppression.objects.filter(address_hash=address_hash("gone@example.net")).exists()


def test_only_the_configured_providers_webhook_is_routed(settings: object) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from safeguarding.newsletter.urls import provider_webhooks

    settings.NEWSLETTER_WEBHOOK_PROVIDER = "postmark"  # type: ignore[attr-defined]
    assert [str(p.name) for p in provider_webhooks()] == ["postmark_tracking_webhook"]
    settings.NEWSLETTER_WEBHOOK_PROVIDER = ""  # type: ignore[attr-defined]
    assert provider_webhooks() == []
    settings.NEWSLETTER_WEBHOOK_PROVIDER = "pigeon"  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match=r"'pigeon' is not one of: .*postmark"):
        provider_webhooks()


def test_another_providers_webhook_is_not_there(client: Client) -> None:
    assert client.post("/newsletter/provider/mailgun/tracking/", {}).status_code == 404
