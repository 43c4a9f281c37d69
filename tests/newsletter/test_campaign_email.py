"""A campaign email: the partnership's HTML layout with its name and footer, and a plain-text
part that reads as a letter, not as Markdown."""

from __future__ import annotations

import email.policy
import smtplib
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message

import pytest
import pytest_django.fixtures
from django.conf import settings
from django.utils.crypto import salted_hmac
from time_machine import TimeMachineFixture

from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.messages import (
    PreparedCampaign,
    campaign_message,
    delivery_message_id,
    render_campaign,
)
from safeguarding.newsletter.models import Subscriber
from safeguarding.newsletter.plain_text import markdown_to_text
from safeguarding.newsletter.sending import SMTPSession
from tests.newsletter.factories import campaign
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db

BODY = """# Spring news

Hello **everyone**. Read [the guide](https://example.org/guide) before *Friday*.

## Events

- Working together, 25 January 2027
- Neglect: a [briefing](https://example.org/neglect)

1. Book
2. Come
"""


def test_the_plain_text_part_reads_as_text_not_markdown() -> None:
    text = markdown_to_text(BODY)

    assert text.startswith("Spring news\n===========\n")
    assert "Hello everyone. Read the guide (https://example.org/guide) before Friday." in text
    assert "Events\n------" in text
    assert "- Working together, 25 January 2027" in text
    assert "1. Book\n2. Come" in text
    for markdown in ("**", "](", "# ", "*Friday*"):
        assert markdown not in text


def test_a_link_whose_text_is_its_address_is_written_once() -> None:
    assert markdown_to_text("See <https://example.org/a>.") == "See https://example.org/a.\n"


def test_the_message_has_the_partnership_layout_and_footer_in_both_parts() -> None:
    subscriber = Subscriber.objects.create(
        email="reader@example.net", address_hash=address_hash("reader@example.net")
    )
    message = campaign_message(
        render_campaign(campaign(subject="Spring", body=BODY)), subscriber=subscriber
    )
    html = str(message.alternatives[0][0])
    text = str(message.body)
    name = settings.PARTNERSHIP["name"]

    assert html.count(name) >= 2  # the heading and the footer
    assert "<h1>Spring news</h1>" in html
    assert "Unsubscribe" in html
    assert settings.PARTNERSHIP["contact_email"] in html
    assert text.startswith(name)
    assert "**" not in text
    assert "Unsubscribe: https://" in text
    assert f"Questions: {settings.PARTNERSHIP['contact_email']}" in text


def _parts(message: Message) -> dict[str, str]:
    parts = {}
    for part in message.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts[part.get_content_type()] = payload.decode(part.get_content_charset() or "ascii")
    return parts


@pytest.mark.parametrize(
    "address", ["reader@example.net", "o'brien+news@example.net", "zoë@example.net"]
)
def test_a_prepared_message_is_the_message_built_whole(
    clock: TimeMachineFixture, address: str
) -> None:
    """Campaigns are sent from bytes prepared once per batch; each recipient's message must
    be exactly the one ``campaign_message`` builds (headers, both parts, the links), or be
    left to it (an address that needs encoding)."""
    clock.move_to(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
    subscriber = Subscriber.objects.create(email=address, address_hash=address_hash(address))
    rendered = render_campaign(campaign(subject="Spring \u2013 news", body=BODY))
    prepared = PreparedCampaign(rendered)
    raw = prepared.raw(subscriber, "<abc.newsletter@example.org>")
    if not address.isascii():
        assert raw is None
        return
    assert prepared.usable
    assert raw is not None
    sent = message_from_bytes(raw)
    whole = message_from_bytes(
        campaign_message(rendered, subscriber=subscriber, message_id="<abc.newsletter@example.org>")
        .message()
        .as_bytes(linesep="\r\n")
    )
    for header in (
        "To",
        "From",
        "Subject",
        "Message-ID",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "MIME-Version",
    ):
        assert " ".join(str(sent[header]).split()) == " ".join(str(whole[header]).split())
    assert sent["Date"] is not None
    assert sorted(sent.keys()) == sorted(whole.keys())
    assert _parts(sent) == _parts(whole)
    assert "/newsletter/" in _parts(sent)["text/plain"]


def test_a_body_sent_quoted_printable_is_built_whole() -> None:
    """A line too long for 8bit makes Django send the part quoted-printable, which could
    split a link's marker: such a campaign is built whole for each recipient."""
    rendered = render_campaign(campaign(subject="Long", body="word " * 400))
    assert not PreparedCampaign(rendered).usable


def test_a_message_id_is_the_same_keyed_hash_as_before() -> None:
    """Ids of messages already sent must not change: a repeat after a crash is recognised by
    its Message-ID (the key is derived once per process now, not once per message)."""
    digest = salted_hmac("newsletter.message-id", "4242", algorithm="sha256").hexdigest()[:32]
    assert delivery_message_id(4242) == f"<{digest}.newsletter@safeguarding.example.org>"


def test_a_prepared_message_goes_through_smtp_unchanged_even_with_lines_starting_with_a_dot(
    smtp_server: Mailbox, settings: pytest_django.fixtures.Settings, clock: TimeMachineFixture
) -> None:
    """The bytes after DATA are dot-stuffed once per batch (as smtplib does per message);
    a real SMTP server un-stuffs them and gets exactly the prepared message."""
    clock.move_to(datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
    address = "reader@example.net"
    subscriber = Subscriber.objects.create(email=address, address_hash=address_hash(address))
    rendered = render_campaign(campaign(subject="Dots", body=".starts with a dot\n\n..two\n"))
    prepared = PreparedCampaign(rendered)
    assert prepared.usable
    raw = prepared.raw(subscriber, "<dots.newsletter@example.org>")
    assert raw is not None
    assert b"\r\n." in raw  # the case under test: lines that begin with a dot
    wire = prepared.wire(subscriber, "<dots.newsletter@example.org>")
    assert wire is not None

    with smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT) as smtp:
        session = SMTPSession(smtp, "newsletter@example.org")
        session.begin(address, wire)
        assert smtp_server.messages == []  # nothing is taken before the final dot
        session.end()

    [received] = smtp_server.messages
    assert received.as_bytes(policy=email.policy.SMTP) == message_from_bytes(
        raw, policy=email.policy.default
    ).as_bytes(policy=email.policy.SMTP)
