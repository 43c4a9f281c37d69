"""Links the site sends: signed tokens for people without accounts (confirm an email, open a
request, set questions), and absolute addresses on the site.

The token carries ids only, never an email address or a name: signed data is readable by
anyone who has the link, and links end up in browser histories and mail logs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core import signing


class BadLink(Exception):
    """The link is forged, for something else, or out of date. The message is safe to show."""


@lru_cache(maxsize=32)
def _signer(purpose: str, secret_key: str) -> signing.TimestampSigner:
    """One signer per purpose (and key), not one per token: a newsletter batch signs two
    links per recipient. The tokens are exactly ``signing.dumps``'s."""
    return signing.TimestampSigner(key=secret_key, salt=f"safeguarding.links.{purpose}")


@lru_cache(maxsize=32)
def _keyed(purpose: str, secret_key: str) -> hmac.HMAC:
    """The HMAC ``signing.TimestampSigner`` signs with for this purpose (its
    ``salted_hmac``: SHA-256 keyed with the digest of its salt and the secret), keyed once
    rather than once a token: the key's derivation and the HMAC's set-up cost more than
    signing the few bytes of a link."""
    salt = f"safeguarding.links.{purpose}signer"
    key = hashlib.sha256(salt.encode() + secret_key.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def make_token(*, purpose: str, payload: dict[str, Any], compress: bool = True) -> str:
    """``compress=False`` for a payload zlib cannot shorten (a few short values), where
    setting up the compressor costs more than the signature; either kind reads back. Either
    way the token is exactly ``signing.dumps``'s (tests/core/test_links.py); uncompressed,
    it is written here with the HMAC keyed once (``_keyed``), as a newsletter signs two
    links per recipient."""
    if compress:
        return _signer(purpose, settings.SECRET_KEY).sign_object(payload, compress=True)
    # signing.JSONSerializer, b64_encode and TimestampSigner.sign, step by step.
    data = json.dumps(payload, separators=(",", ":")).encode("latin-1")
    value = f"{signing.b64_encode(data).decode()}:{signing.b62_encode(int(time.time()))}"
    mac = _keyed(purpose, settings.SECRET_KEY).copy()
    mac.update(value.encode())
    return f"{value}:{signing.b64_encode(mac.digest()).decode()}"


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
