"""A real SMTP server on loopback (aiosmtpd) that keeps every message it receives.

Tests that send mail through background tasks use the ``smtp_server`` fixture: it points
Django's SMTP backend at this server, so a message goes through the same code path as in
production and arrives as bytes on a socket.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session


@dataclass
class Mailbox:
    """What the server received, in arrival order.

    To stand for a server that refuses: ``refuse_every_message`` (a reply such as "554 5.7.1
    Relaying denied") is given to every message once ``accept_first`` have been accepted, and
    ``next_replies`` are given, one each, to the next messages (None: accept it as usual; a
    "451 try again later", say)."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_every_message: str | None = None
    accept_first: int = 0
    next_replies: list[str | None] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: SMTPServer, session: Session, envelope: Envelope) -> str:
        with self._lock:
            reply = self.next_replies.pop(0) if self.next_replies else None
            refusing = self.refuse_every_message and len(self.messages) >= self.accept_first
            if reply is None and refusing:
                reply = self.refuse_every_message
            if reply is not None:
                return reply
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Messages whose envelope recipients include ``address``."""
        with self._lock:
            return [
                message
                for message, (_, rcpts) in zip(self.messages, self.envelopes, strict=True)
                if address.lower() in (r.lower() for r in rcpts)
            ]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "message has no text/plain part"
    return str(part.get_content())


def html_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "message has no text/html part"
    return str(part.get_content())


def links(message: EmailMessage) -> list[str]:
    """Every http(s) link in the plain-text part, in order."""
    return re.findall(r"https?://[^\s<>\"]+", text_body(message))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SMTPSink:
    """Start and stop an aiosmtpd server on a free loopback port."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = _free_port()
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SMTPSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()
