"""Campaign emails: Markdown rendered to sanitised HTML in the partnership's email layout and
to a plain-text part that reads as text (``plain_text``), with the unsubscribe headers of
RFC 2369 and RFC 8058 and per-recipient links in the body."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac

from safeguarding.core.tasks import header_text
from safeguarding.newsletter import tokens
from safeguarding.newsletter.models import Campaign, Subscriber
from safeguarding.newsletter.plain_text import MARKDOWN, markdown_to_text


@dataclass(frozen=True)
class RenderedCampaign:
    subject: str
    html: str
    text: str


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
    digest = salted_hmac("newsletter.message-id", str(delivery_id), algorithm="sha256")
    domain = urlsplit(str(settings.SITE_URL)).hostname or "localhost"
    return f"<{digest.hexdigest()[:32]}.newsletter@{domain}>"


def campaign_message(
    rendered: RenderedCampaign,
    *,
    subscriber: Subscriber,
    test: bool = False,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    unsubscribe = tokens.make(tokens.UNSUBSCRIBE, subscriber)
    context = {
        "rendered": rendered,
        "unsubscribe_url": tokens.absolute("newsletter:unsubscribe", unsubscribe),
        "manage_url": tokens.absolute("newsletter:manage", tokens.make(tokens.MANAGE, subscriber)),
        "partnership": settings.PARTNERSHIP,
        "test": test,
    }
    headers = {
        "List-Unsubscribe": (
            f"<{context['unsubscribe_url']}>, <{tokens.unsubscribe_mailto(unsubscribe)}>"
        ),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    if message_id is not None:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=("[TEST] " if test else "") + rendered.subject,
        body=render_to_string("newsletter/email/campaign.txt", context),
        to=[subscriber.email],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string("newsletter/email/campaign.html", context), "text/html"
    )
    return message
