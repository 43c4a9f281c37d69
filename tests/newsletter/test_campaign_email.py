"""A campaign email: the partnership's HTML layout with its name and footer, and a plain-text
part that reads as a letter, not as Markdown."""

from __future__ import annotations

import pytest
from django.conf import settings

from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.messages import campaign_message, render_campaign
from safeguarding.newsletter.models import Subscriber
from safeguarding.newsletter.plain_text import markdown_to_text
from tests.newsletter.factories import campaign

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
