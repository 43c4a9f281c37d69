"""Encryption keys as the settings give them: ``key_id:base64key`` (workspaces.crypto)."""

from __future__ import annotations

import base64
import binascii
import re

KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,32}")


def decode_key(encoded: str) -> bytes | None:
    """32 bytes from standard or URL-safe base64 (padding optional), or None."""
    text = encoded.strip()
    try:
        raw = base64.b64decode(
            text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4), validate=True
        )
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None
