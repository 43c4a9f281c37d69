"""Encryption for restricted records: AES-256-GCM under a keyring, and keyed lookup hashes.

A stored value is one ASCII token::

    v1:<key id>:<nonce, base64url>:<ciphertext and tag, base64url>

The key id says which key of ``settings.WORKSPACE_ENCRYPTION_KEYS`` sealed it (the first key
seals, every key opens), so keys can be rotated without a flag day (``manage.py
rotate_keys``). The nonce is 96 random bits, new for every value. The associated data binds
the value to where it belongs: the format version, the key id and a *binding*, which for a
model field is ``"<app_label.model>|<field>|<row key>"`` (``encrypted_fields.RowKeyed``).
GCM checks it on opening, so a value changed by one bit, or copied into another row or
another column, does not open.

Plaintext, ciphertext and keys never appear in an exception message or a log line: errors
name the place (model, field, row key) and the key id only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from safeguarding.core.keys import KEY_ID_PATTERN, decode_key

VERSION = "v1"
NONCE_BYTES = 12
_SEPARATOR = "\x1f"  # in associated data; no model label, field name or row key holds it


class DecryptionError(Exception):
    """A stored value would not open. The message names where it is, never what it holds."""


@dataclass(frozen=True)
class Keyring:
    current_id: str
    keys: dict[str, bytes]

    def __repr__(self) -> str:  # never print the keys
        return f"Keyring(current={self.current_id!r}, ids={sorted(self.keys)!r})"


def _entries() -> tuple[str, ...]:
    configured = getattr(settings, "WORKSPACE_ENCRYPTION_KEYS", None)
    if isinstance(configured, str):
        configured = configured.split(",")
    entries = tuple(entry.strip() for entry in configured or () if entry and entry.strip())
    if not entries:
        raise ImproperlyConfigured(
            "WORKSPACE_ENCRYPTION_KEYS is not set, so restricted records cannot be encrypted "
            "or read. Set it to key_id:base64key entries (README: production keys)."
        )
    return entries


@lru_cache(maxsize=8)
def _parse(entries: tuple[str, ...]) -> Keyring:
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id, _, encoded = entry.partition(":")
        key = decode_key(encoded)
        if not KEY_ID_PATTERN.fullmatch(key_id) or key is None or key_id in keys:
            raise ImproperlyConfigured(
                "WORKSPACE_ENCRYPTION_KEYS must be comma-separated key_id:base64key entries, "
                "each key id once and each key 32 bytes"
            )
        keys[key_id] = key
    return Keyring(current_id=entries[0].partition(":")[0], keys=keys)


def keyring() -> Keyring:
    """The configured keyring (ImproperlyConfigured when it is missing or malformed)."""
    return _parse(_entries())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _associated_data(key_id: str, binding: str) -> bytes:
    return _SEPARATOR.join((VERSION, key_id, binding)).encode()


def binding_for(label: str, field: str, row_key: object) -> str:
    """Where a model field's value belongs: the associated data that ties it there."""
    return _SEPARATOR.join((label, field, str(row_key)))


def _where(binding: str) -> str:
    return binding.replace(_SEPARATOR, " ")


def seal(plaintext: bytes, *, binding: str) -> str:
    """Encrypt ``plaintext`` under the current key, bound to ``binding``."""
    ring = keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(
        nonce, plaintext, _associated_data(ring.current_id, binding)
    )
    return f"{VERSION}:{ring.current_id}:{_b64(nonce)}:{_b64(sealed)}"


_TOKEN = re.compile(r"v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})")


def key_id_of(token: str) -> str | None:
    """The id of the key that sealed ``token``, or None if it is not a token."""
    match = _TOKEN.fullmatch(token)
    return match.group(1) if match else None


def unseal(token: str, *, binding: str) -> bytes:
    """Decrypt a token sealed for ``binding``; DecryptionError if it does not open."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise DecryptionError(f"The value stored for {_where(binding)} is not an encrypted value.")
    key_id, nonce, sealed = match.groups()
    key = keyring().keys.get(key_id)
    if key is None:
        raise DecryptionError(
            f"The value stored for {_where(binding)} was encrypted with key {key_id!r}, which "
            "is not in WORKSPACE_ENCRYPTION_KEYS."
        )
    try:
        return AESGCM(key).decrypt(_unb64(nonce), _unb64(sealed), _associated_data(key_id, binding))
    except (InvalidTag, ValueError):
        raise DecryptionError(
            f"The value stored for {_where(binding)} failed its integrity check: it was "
            "changed, or moved from another row or column."
        ) from None


def is_current(token: str) -> bool:
    """Whether ``token`` is sealed under the key that seals new values."""
    return key_id_of(token) == keyring().current_id


# --- Keyed lookup hashes --------------------------------------------------------------------

LOOKUP_KINDS = ("nhs_number", "name", "date", "text")


def normalise(kind: str, value: str) -> str:
    """The form of ``value`` that is hashed, so equal things hash equal.

    nhs_number: the digits only ("943 476 5919" and "943-476-5919" match); name and text:
    Unicode-normalised, case-folded, white space collapsed; date: as written, YYYY-MM-DD.
    """
    if kind == "nhs_number":
        return "".join(ch for ch in value if ch.isdigit())
    if kind in {"name", "text"}:
        return " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    if kind == "date":
        return value.strip()
    raise ValueError(f"No lookup hash kind {kind!r}: use one of {', '.join(LOOKUP_KINDS)}.")


def _lookup_key() -> bytes:
    key = getattr(settings, "WORKSPACE_LOOKUP_KEY", "")
    if not key:
        raise ImproperlyConfigured(
            "WORKSPACE_LOOKUP_KEY is not set, so lookup hashes cannot be made."
        )
    return str(key).encode()


def lookup_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 (hex) of the normalised ``value``, under the lookup key, separated by
    ``kind`` so that a name and a date never collide. Store it in an indexed column beside
    the encrypted value and find exact matches with ``filter(column=lookup_hash(...))``.
    An empty normalised value hashes to "" (nothing to find)."""
    normalised = normalise(kind, value)
    if not normalised:
        return ""
    message = f"{kind}\x00{normalised}".encode()
    return hmac.new(_lookup_key(), message, hashlib.sha256).hexdigest()
