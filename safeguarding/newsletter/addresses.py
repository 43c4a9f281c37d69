"""Email addresses as the newsletter keeps them on its suppression list: a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from safeguarding.core.addresses import normalise_email


def address_hash(address: str) -> str:
    """Keyed HMAC-SHA256 of the normalised address. Without NEWSLETTER_HMAC_KEY nobody can
    test a guessed address against the suppression list."""
    key = str(settings.NEWSLETTER_HMAC_KEY).encode()
    return hmac.new(key, normalise_email(address).encode(), hashlib.sha256).hexdigest()
