"""The whole journey through a real SMTP server: sign up, confirm, receive a campaign,
unsubscribe with RFC 8058 one-click exactly as a mail client does, and receive nothing more."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from django.test import Client

from safeguarding.newsletter import sending
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import Subscriber, Suppression
from tests.newsletter.factories import campaign, topic
from tests.smtp import Mailbox, links

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "reader@example.net"


def _path(url: str) -> str:
    return urlsplit(url).path


def one_click_target(message: EmailMessage) -> str:
    """The HTTPS URI from List-Unsubscribe, parsed as RFC 2369 says: <...> items, commas."""
    header = str(message["List-Unsubscribe"])
    uris = re.findall(r"<([^>]+)>", header)
    https = [uri for uri in uris if uri.startswith("https://")]
    assert len(https) == 1
    assert any(uri.startswith("mailto:") for uri in uris)
    return https[0]


def test_a_confirmed_reader_gets_the_campaign_and_one_click_removes_them(
    smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    client = Client()
    response = client.post(
        "/newsletter/", {"topics": [topic("newsletter").pk], "email": ADDRESS, "name": "Reader"}
    )
    assert response.status_code == 302
    run_tasks()
    [confirmation] = smtp_server.to(ADDRESS)
    confirm_url = next(url for url in links(confirmation) if "/newsletter/confirm/" in url)

    # Nothing but the confirmation reaches an unconfirmed address.
    sending.campaign_start(campaign_id=campaign(subject="Too early").pk, actor=None)
    run_tasks()
    assert len(smtp_server.to(ADDRESS)) == 1

    assert client.get(_path(confirm_url)).status_code == 200  # a button, no change
    assert Subscriber.objects.get().confirmed_at is None
    assert client.post(_path(confirm_url)).status_code == 200
    smtp_server.clear()

    sending.campaign_start(campaign_id=campaign(subject="March newsletter").pk, actor=None)
    run_tasks()
    [newsletter] = smtp_server.to(ADDRESS)
    assert newsletter["Subject"] == "March newsletter"
    assert newsletter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body_links = links(newsletter)
    assert any("/newsletter/unsubscribe/" in url for url in body_links)
    assert any("/newsletter/manage/" in url for url in body_links)

    # RFC 8058 section 3.1: a POST with exactly this body, no cookies, no CSRF token.
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        _path(one_click_target(newsletter)),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    assert Suppression.objects.filter(address_hash=address_hash(ADDRESS)).exists()

    smtp_server.clear()
    sending.campaign_start(campaign_id=campaign(subject="April newsletter").pk, actor=None)
    run_tasks()
    assert smtp_server.to(ADDRESS) == []
