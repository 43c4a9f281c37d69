"""Links the site sends: signed tokens for people without accounts (confirm an email, open a
request, set questions), and absolute addresses on the site.

The token carries ids only, never an email address or a name: signed data is readable by
anyone who has the link, and links end up in browser histories and mail logs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import zlib
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing


class BadLink(Exception):
    """The link is forged, for something else, or out of date. The message is safe to show."""


# A payload shorter than this is not worth a zlib run (a fresh compressor costs tens of
# microseconds; a link a few characters shorter is not worth that twice a recipient).
_WORTH_COMPRESSING = 64


@lru_cache(maxsize=32)
def _signer(purpose: str, secret_key: str) -> hmac.HMAC:
    """The keyed HMAC a ``signing.TimestampSigner`` for this purpose signs with, keyed
    once (Django derives the key again for every token): each token copies it."""
    salt = f"safeguarding.links.{purpose}signer"
    derived = hashlib.sha256((salt + secret_key).encode()).digest()
    return hmac.new(derived, digestmod=hashlib.sha256)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_token(*, purpose: str, payload: dict[str, Any]) -> str:
    """``signing.dumps(payload, salt=..., compress=...)``: the same JSON, base64 and
    timestamp, signed with the same HMAC, so ``read_token`` (``signing.loads``) reads it,
    compressed when the payload is long enough to be worth trying; without the per-token
    key derivation a newsletter batch paid for twice a recipient (tests/core/test_links.py
    compares the two)."""
    data = json.dumps(payload, separators=(",", ":")).encode("latin-1")
    value = ""
    if len(data) >= _WORTH_COMPRESSING:
        compressed = zlib.compress(data)
        if len(compressed) < len(data) - 1:
            value = "." + _b64(compressed)
    value = (value or _b64(data)) + ":" + signing.b62_encode(int(time.time()))
    mac = _signer(purpose, settings.SECRET_KEY).copy()
    mac.update(value.encode())
    return value + ":" + _b64(mac.digest())


def read_token(token: str, *, purpose: str, max_age: timedelta) -> dict[str, Any]:
    try:
        payload = signing.loads(token, salt=f"safeguarding.links.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise BadLink("This link has expired. Ask for a new one.") from None
    except signing.BadSignature:
        raise BadLink(
            "This link is not valid. Check you copied all of it, or ask for a new one."
        ) from None
    if not isinstance(payload, dict):
        raise BadLink("This link is not valid.")
    return payload


def absolute_url(path: str) -> str:
    """``path`` on the address the site is served at (``SITE_URL``), never the request's Host
    header: emailed links must not point wherever a request said it came from."""
    return str(settings.SITE_URL or "").rstrip("/") + path
