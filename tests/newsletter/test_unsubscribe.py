"""Leaving: the one-click URL, the mailto form through the mailbox command, suppression."""

from __future__ import annotations

import io
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from safeguarding.accounts.models import User
from safeguarding.newsletter import tokens
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import ConsentMethod, Subscriber, Suppression
from safeguarding.newsletter.services import consent_record_offline
from tests.newsletter.factories import confirmed_subscriber, topic

pytestmark = pytest.mark.django_db

ADDRESS = "reader@example.net"


def unsubscribe_path(subscriber: Subscriber) -> str:
    return f"/newsletter/unsubscribe/{tokens.make(tokens.UNSUBSCRIBE, subscriber)}/"


def test_get_on_the_unsubscribe_link_only_shows_a_button(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS)

    response = client.get(unsubscribe_path(subscriber))

    assert "<button" in response.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_unsubscribing_an_unknown_or_removed_subscriber_says_done_and_reveals_nothing(
    client: Client,
) -> None:
    subscriber = confirmed_subscriber(ADDRESS)
    path = unsubscribe_path(subscriber)
    first = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    second = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert first.status_code == second.status_code == 200
    assert "You are unsubscribed" in first.content.decode()
    assert "You are unsubscribed" in second.content.decode()
    assert ADDRESS not in second.content.decode()


def test_a_forged_unsubscribe_token_gets_a_clear_page_and_changes_nothing() -> None:
    confirmed_subscriber(ADDRESS)

    response = Client(enforce_csrf_checks=True).post("/newsletter/unsubscribe/forged:token:x/")

    assert response.status_code == 400
    assert Subscriber.objects.exists()


def test_a_suppressed_address_is_never_resubscribed_by_staff_or_import(
    make_user: object,
) -> None:
    subscriber = confirmed_subscriber(ADDRESS)
    Client().post(unsubscribe_path(subscriber))
    staff = User.objects.create(email="comms@staff.example.org")

    result = consent_record_offline(
        email=ADDRESS.upper(),
        name="",
        topics=[topic()],
        method=ConsentMethod.PAPER,
        evidence="Form 12",
        given_at=subscriber.created_at,
        actor=staff,
    )

    assert result is None
    assert not Subscriber.objects.exists()


def mailto_message(subscriber: Subscriber) -> EmailMessage:
    """What a mail client sends for the mailto: URI of List-Unsubscribe."""
    token = tokens.make(tokens.UNSUBSCRIBE, subscriber)
    message = EmailMessage()
    message["From"] = ADDRESS
    message["To"] = "newsletter-unsubscribe@example.org"
    message["Subject"] = f"unsubscribe {token}"
    message.set_content("")
    return message


def test_a_piped_mailto_message_unsubscribes(monkeypatch: pytest.MonkeyPatch) -> None:
    subscriber = confirmed_subscriber(ADDRESS)
    stdin = io.TextIOWrapper(io.BytesIO(mailto_message(subscriber).as_bytes()))
    monkeypatch.setattr("sys.stdin", stdin)
    out = io.StringIO()

    call_command("newsletter_mail_unsubscribe", stdout=out)

    assert "1 unsubscribe request(s) handled" in out.getvalue()
    assert not Subscriber.objects.exists()
    assert Suppression.objects.filter(address_hash=address_hash(ADDRESS)).exists()


def test_a_maildir_of_mailto_messages_unsubscribes_each_sender(tmp_path: Path) -> None:
    box = mailbox.Maildir(tmp_path / "unsubscribe")
    for n in range(3):
        box.add(mailto_message(confirmed_subscriber(f"reader{n}@example.net")))
    stranger = EmailMessage()
    stranger["Subject"] = "please remove me"
    stranger.set_content("no token here")
    box.add(stranger)
    out = io.StringIO()

    call_command("newsletter_mail_unsubscribe", str(tmp_path / "unsubscribe"), stdout=out)

    assert "3 unsubscribe request(s) handled, 1 without a valid token" in out.getvalue()
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("token", ["ab:cd_-9:XYZ", "not a token/ü"])
def test_the_mailto_link_quotes_the_subject_as_urllib_does(token: str) -> None:
    from urllib.parse import quote

    from django.conf import settings

    assert tokens.unsubscribe_mailto(token) == (
        f"mailto:{settings.NEWSLETTER_UNSUBSCRIBE_ADDRESS}?subject=" + quote(f"unsubscribe {token}")
    )
