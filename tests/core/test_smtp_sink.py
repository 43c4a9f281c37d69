"""The loopback SMTP server receives what the send_email task sends, headers and both parts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from safeguarding.core.tasks import enqueue_in_transaction, send_email
from tests.smtp import Mailbox, html_body, links, text_body


@pytest.mark.django_db(transaction=True)
def test_a_queued_email_arrives_over_smtp_with_both_parts(
    smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    with transaction.atomic():
        enqueue_in_transaction(
            send_email,
            subject="Hello",
            body="Plain words https://example.org/a-link",
            html_body="<p>Rich words</p>",
            to=["someone@demo.invalid"],
            headers={"X-Test": "yes"},
        )
    assert smtp_server.messages == []

    run_tasks()

    [message] = smtp_server.to("someone@demo.invalid")
    assert message["Subject"] == "Hello"
    assert message["X-Test"] == "yes"
    assert "Plain words" in text_body(message)
    assert "<p>Rich words</p>" in html_body(message)
    assert links(message) == ["https://example.org/a-link"]
