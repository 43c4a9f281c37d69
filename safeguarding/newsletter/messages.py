"""Campaign emails: Markdown rendered to sanitised HTML in the partnership's email layout and
to a plain-text part that reads as text (``plain_text``), with the unsubscribe headers of
RFC 2369 and RFC 8058 and per-recipient links in the body."""

from __future__ import annotations

import hmac
import re
import secrets
import time
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from safeguarding.core.tasks import header_text
from safeguarding.newsletter import tokens
from safeguarding.newsletter.models import Campaign
from safeguarding.newsletter.plain_text import MARKDOWN, markdown_to_text


@dataclass(frozen=True)
class RenderedCampaign:
    subject: str
    html: str
    text: str


class Recipient(tokens.Signed, Protocol):
    """What a campaign message needs of its subscriber: a ``Subscriber``, or the few values
    a sending batch reads with its claim (``sending._Recipient``)."""

    @property
    def email(self) -> str: ...


def render_markdown(source: str) -> str:
    # Raw HTML in the Markdown is not passed through at all (MARKDOWN); nh3 then removes
    # anything unsafe that Markdown itself can produce (javascript: links and the like).
    return nh3.clean(MARKDOWN.render(source), link_rel="noopener noreferrer")


def render_campaign(campaign: Campaign) -> RenderedCampaign:
    """Once per batch: the parts every recipient shares."""
    return RenderedCampaign(
        subject=header_text(campaign.subject),
        html=render_markdown(campaign.body_markdown),
        text=markdown_to_text(campaign.body_markdown),
    )


def delivery_message_id(delivery_id: int) -> str:
    """The same Message-ID every time one delivery is sent. If a worker dies after the mail
    server accepted a message but before it was marked sent, the message goes again after the
    resume (see ``sending``); the repeat carries this same Message-ID, so the receiving mail
    system or client can recognise it as the message it already has. Opaque (a keyed hash),
    so it reveals neither the delivery's number nor the list's size."""
    keyed, domain = _message_id_key(settings.SECRET_KEY, str(settings.SITE_URL))
    digest = keyed.copy()
    digest.update(str(delivery_id).encode())
    return f"<{digest.hexdigest()[:32]}.newsletter@{domain}>"


@lru_cache(maxsize=4)
def _message_id_key(secret_key: str, site_url: str) -> tuple[hmac.HMAC, str]:
    """``salted_hmac("newsletter.message-id", ..., algorithm="sha256")`` keyed once, not
    once a message (tests/newsletter/test_campaign_email.py checks the ids are unchanged)."""
    keyed = salted_hmac("newsletter.message-id", b"", secret_key, algorithm="sha256")
    return keyed, urlsplit(site_url).hostname or "localhost"


def _context(
    rendered: RenderedCampaign, *, unsubscribe_url: str, manage_url: str, test: bool
) -> dict[str, object]:
    return {
        "rendered": rendered,
        "unsubscribe_url": unsubscribe_url,
        "manage_url": manage_url,
        "partnership": settings.PARTNERSHIP,
        "test": test,
    }


def _list_unsubscribe(unsubscribe_url: str, unsubscribe_token: str) -> str:
    return f"<{unsubscribe_url}>, <{tokens.unsubscribe_mailto(unsubscribe_token)}>"


def _message(
    rendered: RenderedCampaign,
    context: dict[str, object],
    *,
    to: list[str],
    headers: dict[str, str],
    test: bool = False,
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=("[TEST] " if test else "") + rendered.subject,
        body=render_to_string("newsletter/email/campaign.txt", context),
        to=to,
        headers={**headers, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(
        render_to_string("newsletter/email/campaign.html", context), "text/html"
    )
    return message


def campaign_message(
    rendered: RenderedCampaign,
    *,
    subscriber: Recipient,
    test: bool = False,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """One recipient's message, built whole (test sends, promises, and the rare address
    ``PreparedCampaign`` leaves to it)."""
    unsubscribe = tokens.make(tokens.UNSUBSCRIBE, subscriber)
    unsubscribe_url = tokens.absolute("newsletter:unsubscribe", unsubscribe)
    manage_url = tokens.absolute("newsletter:manage", tokens.make(tokens.MANAGE, subscriber))
    context = _context(rendered, unsubscribe_url=unsubscribe_url, manage_url=manage_url, test=test)
    headers = {"List-Unsubscribe": _list_unsubscribe(unsubscribe_url, unsubscribe)}
    if message_id is not None:
        headers["Message-ID"] = message_id
    return _message(rendered, context, to=[subscriber.email], headers=headers, test=test)


# Addresses the prepared message takes as they are: plain ASCII, no display name, nothing
# that needs quoting or encoding. Anything else goes through Django's own address handling.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
# What an emailed link may contain to be written into the HTML part unescaped.
_PLAIN_URL = re.compile(r"[A-Za-z0-9:/?=._~%+-]+")
_SAFE_LINE = RFC5322_EMAIL_LINE_LENGTH_LIMIT - 400  # room for the two links on one line


class PreparedCampaign:
    """A campaign's message built once per batch: both body parts rendered and the MIME
    message (subject, sender, parts, their encoding) written out as bytes, with a marker where
    each recipient's links go. Each recipient's message is then those bytes with the links
    put in, behind the headers only they have (To, Date, Message-ID, List-Unsubscribe): the
    same message ``campaign_message`` builds whole (tests/newsletter compare the two), at a
    fraction of the cost. ``raw`` answers None when this recipient's message must be built
    whole (an address that needs encoding); ``usable`` is False when the body's encoding
    would break the markers (very long lines are sent quoted-printable)."""

    def __init__(self, rendered: RenderedCampaign) -> None:
        self.rendered = rendered
        self._unsubscribe = "U" + secrets.token_hex(12)
        self._manage = "M" + secrets.token_hex(12)
        context = _context(
            rendered, unsubscribe_url=self._unsubscribe, manage_url=self._manage, test=False
        )
        message = _message(rendered, context, to=[], headers={"Message-ID": "<x@x>"})
        mime = message.message()
        del mime["Message-ID"]
        del mime["Date"]
        head, _, body = mime.as_bytes(linesep="\r\n").partition(b"\r\n\r\n")
        self._head: bytes = head + b"\r\n\r\n"
        self._body: bytes = body
        # The same, as sent after DATA (both begin at the start of a line).
        self._head_wire = _LINE_STARTING_WITH_A_DOT.sub(b"..", self._head)
        self._body_wire = dot_stuffed(body)
        self._unsubscribe_marker = self._unsubscribe.encode()
        self._manage_marker = self._manage.encode()
        parts = str(message.body) + str(message.alternatives[0][0])
        markers = (self._unsubscribe.encode(), self._manage.encode())
        self.usable = (
            all(part["Content-Transfer-Encoding"] in (None, "7bit", "8bit") for part in mime.walk())
            and all(body.count(marker) == parts.count(marker.decode()) > 0 for marker in markers)
            and all(
                len(line) < _SAFE_LINE
                for line in body.split(b"\r\n")
                if any(marker in line for marker in markers)
            )
        )

    def raw(self, subscriber: Recipient, message_id: str) -> bytes | None:
        """The bytes to send to ``subscriber.email``, or None to build this one whole."""
        return self._build(subscriber, message_id, self._head, self._body)

    def wire(self, subscriber: Recipient, message_id: str) -> bytes | None:
        """``raw`` as it goes after SMTP's DATA: lines that begin with a dot doubled and
        ending with a line break (what ``smtplib`` does to every message, done here once
        for the shared bytes; the per-recipient headers and links never begin a line with
        a dot). Without the final ".": see ``sending.SMTPSession``."""
        return self._build(subscriber, message_id, self._head_wire, self._body_wire)

    def _build(
        self, subscriber: Recipient, message_id: str, head: bytes, body: bytes
    ) -> bytes | None:
        if not _PLAIN_ADDRESS.fullmatch(subscriber.email):
            return None
        unsubscribe = tokens.make(tokens.UNSUBSCRIBE, subscriber)
        unsubscribe_url = tokens.absolute("newsletter:unsubscribe", unsubscribe)
        manage_url = tokens.absolute("newsletter:manage", tokens.make(tokens.MANAGE, subscriber))
        if not (_PLAIN_URL.fullmatch(unsubscribe_url) and _PLAIN_URL.fullmatch(manage_url)):
            return None
        mailto = tokens.unsubscribe_mailto(unsubscribe)
        headers = (
            f"To: {subscriber.email}\r\n"
            f"Date: {_date()}\r\n"
            f"Message-ID: {message_id}\r\n"
            f"List-Unsubscribe: <{unsubscribe_url}>,\r\n <{mailto}>\r\n"
        )
        body = body.replace(self._unsubscribe_marker, unsubscribe_url.encode()).replace(
            self._manage_marker, manage_url.encode()
        )
        return headers.encode("ascii") + head + body


def dot_stuffed(data: bytes) -> bytes:
    """SMTP's transparency (RFC 5321 4.5.2), as ``smtplib`` applies it: a line that begins
    with "." gets another, and the data ends with a line break."""
    stuffed = _LINE_STARTING_WITH_A_DOT.sub(b"..", data)
    return stuffed if stuffed.endswith(b"\r\n") else stuffed + b"\r\n"


_LINE_STARTING_WITH_A_DOT = re.compile(rb"(?m)^\.")
_dates: dict[int, str] = {}


def _date() -> str:
    """The Date header for now, worked out once a second rather than once a message."""
    second = int(time.time())
    date = _dates.get(second)
    if date is None:
        _dates.clear()
        date = _dates[second] = formatdate(second, localtime=settings.EMAIL_USE_LOCALTIME)
    return date
