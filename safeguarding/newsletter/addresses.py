"""Email addresses as the newsletter stores them: normalised, and as a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def normalise(address: str) -> str:
    return address.strip().lower()


def address_hash(address: str) -> str:
    """Keyed HMAC-SHA256 of the normalised address. Without NEWSLETTER_HMAC_KEY nobody can
    test a guessed address against the suppression list."""
    key = str(settings.NEWSLETTER_HMAC_KEY).encode()
    return hmac.new(key, normalise(address).encode(), hashlib.sha256).hexdigest()
