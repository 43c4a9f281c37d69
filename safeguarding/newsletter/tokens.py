"""Signed newsletter links. Tokens carry a subscriber id and the first characters of the
address's keyed hash (so a link for a deleted subscriber never fits a later one), never the
address itself."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from typing import Protocol
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from safeguarding.core import links
from safeguarding.newsletter.models import Subscriber

CONFIRM = "newsletter.confirm"
MANAGE = "newsletter.manage"
UNSUBSCRIBE = "newsletter.unsubscribe"

CONFIRM_VALID_FOR = timedelta(days=7)
# Links in old newsletters keep working for a long time: leaving must always be possible.
MANAGE_VALID_FOR = timedelta(days=365 * 2)
UNSUBSCRIBE_VALID_FOR = timedelta(days=365 * 5)

_VALID_FOR = {
    CONFIRM: CONFIRM_VALID_FOR,
    MANAGE: MANAGE_VALID_FOR,
    UNSUBSCRIBE: UNSUBSCRIBE_VALID_FOR,
}
_HASH_CHARS = 12


class Signed(Protocol):
    """What a token is made from: a ``Subscriber``, or a sending batch's light copy of one."""

    @property
    def pk(self) -> int: ...

    @property
    def address_hash(self) -> str: ...


def make(purpose: str, subscriber: Signed, **extra: object) -> str:
    payload = {"s": subscriber.pk, "h": subscriber.address_hash[:_HASH_CHARS], **extra}
    # An id and 12 hex characters (for a confirmation, a few consent ids too): too short for
    # zlib to shorten by much, and a campaign signs two per message.
    return links.make_token(purpose=purpose, payload=payload, compress=False)


def read(purpose: str, token: str) -> dict[str, object]:
    """The payload of a valid token; raises ``links.BadLink`` with a message safe to show."""
    payload = links.read_token(token, purpose=purpose, max_age=_VALID_FOR[purpose])
    if not isinstance(payload.get("s"), int) or not isinstance(payload.get("h"), str):
        raise links.BadLink("This link is not valid.")
    return payload


def subscriber_for(payload: dict[str, object]) -> Subscriber | None:
    """The subscriber a payload names, if they still exist with the same address."""
    subscriber_id = payload["s"]
    if not isinstance(subscriber_id, int):
        return None
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.address_hash[:_HASH_CHARS] != payload["h"]:
        return None
    return subscriber


_PLACEHOLDER = "TOKEN"


@lru_cache(maxsize=8)
def _route(url_name: str, site_url: str) -> tuple[str, str]:
    """The URL around the token, reversed once (campaigns build two links per message)."""
    before, _, after = reverse(url_name, args=[_PLACEHOLDER]).partition(_PLACEHOLDER)
    return site_url.rstrip("/") + before, after


def absolute(url_name: str, token: str) -> str:
    before, after = _route(url_name, str(settings.SITE_URL))
    return before + token + after


# What a signed token is written with (base 64 for URLs, and ":" between its parts).
_TOKEN = re.compile(r"[A-Za-z0-9_:-]+")


def unsubscribe_mailto(token: str) -> str:
    if _TOKEN.fullmatch(token):
        # ``quote`` of the same words, in the one way it writes a token: a campaign writes
        # one of these per message.
        subject = "unsubscribe%20" + token.replace(":", "%3A")
    else:
        subject = quote(f"unsubscribe {token}")
    return f"mailto:{settings.NEWSLETTER_UNSUBSCRIBE_ADDRESS}?subject={subject}"
