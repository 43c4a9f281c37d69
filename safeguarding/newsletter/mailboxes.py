"""Reading mail for the unsubscribe and bounce commands: a piped message, an mbox file or a
Maildir directory. Reprocessing a message is harmless: unsubscribing and suppressing are
idempotent (soft bounces are the exception, so bounce mailboxes should be emptied after)."""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from collections.abc import Iterator
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any, BinaryIO

from safeguarding.core import links
from safeguarding.newsletter import tokens
from safeguarding.newsletter.bounces import Bounce

# A signed token: optional "." (compressed), then three base64url parts joined by ":".
TOKEN = re.compile(r"\.?[A-Za-z0-9_-]{8,}:[A-Za-z0-9_-]{4,}:[A-Za-z0-9_-]{16,}")


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)  # noqa: S101  (the default policy makes these)
    return message


def read_messages(path: str | None, stdin: BinaryIO) -> Iterator[EmailMessage]:
    if path is None:
        yield _parse(stdin.read())
        return
    location = Path(path)
    box: mailbox.Mailbox[Any]
    if location.is_dir():
        box = mailbox.Maildir(location, factory=None, create=False)
    elif location.is_file():
        box = mailbox.mbox(location, create=False)
    else:
        raise FileNotFoundError(f"No mailbox at {path}")
    try:
        for key in box.iterkeys():
            yield _parse(box.get_bytes(key))
    finally:
        box.close()


def unsubscribe_payload(message: EmailMessage) -> dict[str, object] | None:
    """The signed token from the address, subject or body of a mailto unsubscribe."""
    places = [str(message.get("To", "")), str(message.get("Subject", ""))]
    body = message.get_body(preferencelist=("plain",))
    if body is not None:
        places.append(str(body.get_content()))
    for text in places:
        for candidate in TOKEN.findall(text):
            try:
                return tokens.read(tokens.UNSUBSCRIBE, candidate)
            except links.BadLink:
                continue
    return None


_FIELD = re.compile(r"^([A-Za-z-]+):\s*(.*)$", re.MULTILINE)


def bounces_in(message: EmailMessage) -> list[tuple[str, Bounce]]:
    """(address, kind) for each recipient a delivery status notification (RFC 3464) or an
    abuse feedback report (RFC 5965) names."""
    if message.get_content_type() != "multipart/report":
        return []
    report_type = message.get_param("report-type")
    found: list[tuple[str, Bounce]] = []
    for part in message.iter_parts():
        kind = part.get_content_type()
        if report_type == "delivery-status" and kind == "message/delivery-status":
            found.extend(_dsn_recipients(part))
        if report_type == "feedback-report" and kind == "message/rfc822":
            original = part.get_content()
            for address in re.findall(r"[^\s<>,;]+@[^\s<>,;]+", str(original.get("To", ""))):
                found.append((address, Bounce.COMPLAINT))
    return found


def _dsn_recipients(part: Message) -> list[tuple[str, Bounce]]:
    text = "\n".join(str(block) for block in part.get_payload())
    found = []
    for block in re.split(r"\n\s*\n", text):
        fields = {name.lower(): value.strip() for name, value in _FIELD.findall(block)}
        recipient = fields.get("final-recipient") or fields.get("original-recipient")
        if not recipient:
            continue
        address = recipient.split(";", 1)[-1].strip()
        action = fields.get("action", "").lower()
        status = fields.get("status", "")
        if action == "failed" and status.startswith("5"):
            found.append((address, Bounce.HARD))
        elif action in {"failed", "delayed"}:
            found.append((address, Bounce.SOFT))
    return found
