"""What an audit entry's hash covers, shared by appending and verifying.

Each entry's ``entry_hash`` is HMAC-SHA256, keyed with ``settings.AUDIT_HMAC_KEY`` (kept
outside the database and its backups), of the canonical JSON (sorted keys, compact
separators, ASCII only) of these fields:

    sequence, occurred_at (UTC ISO 8601 with microseconds), actor (id), actor_label,
    on_behalf_of (id), action, target_type, target_id, ip_digest, reason_digest,
    details_digest, prev_hash, chain_version

(Entries of chain version 1, written before network addresses could be removed, hash
``ip_address`` itself in place of ``ip_digest`` and have no ``chain_version`` key; they
verify as they were written, and keep their address.)

``prev_hash`` is the previous entry's ``entry_hash`` (64 zeros for the first entry), so
editing, removing or reordering any entry breaks every link after it, and without the key
nobody can forge a replacement chain.

The hash covers digests (SHA-256 of the canonical JSON) of ``details`` and ``reason`` rather
than the values themselves, because both can hold personal data: a free-text reason such as
"Left after a period of illness" is as personal as any detail. Erasure can then redact them
(``details`` becomes ``{"redacted": true}``, ``reason`` becomes empty) while the chain still
verifies; the redaction stays visible through ``redacted_at`` and its own audit entry.
The network address is covered the same way, by ``ip_digest``, but keyed (HMAC with the
audit key): an address is easily guessed from a plain hash. So the address can be removed
when the entry is redacted, and after ``AUDIT_ADDRESS_DAYS``, and the chain still verifies.
Everything else in the hash (ids, labels, action, target, time) is kept for the life of the
trail, so callers must not put personal data in actions or target ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC
from typing import Any

from django.conf import settings

from safeguarding.audit.models import AuditEntry

REDACTED_DETAILS: dict[str, Any] = {"redacted": True}


def canonical_json(value: Any) -> str:
    """One spelling for one value: raises ValueError/TypeError for what JSON cannot hold."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )


def digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("ascii")).hexdigest()


def address_digest(address: str | None) -> str:
    """Keyed, so the digest of an address cannot be found by hashing every address."""
    if not address:
        return ""
    message = f"audit.ip_address:{address}".encode()
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


def chained_fields(entry: AuditEntry) -> dict[str, Any]:
    fields = {
        "sequence": entry.sequence,
        "occurred_at": entry.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "on_behalf_of": entry.on_behalf_of_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "ip_address": entry.ip_address,
        "reason_digest": entry.reason_digest,
        "details_digest": entry.details_digest,
        "prev_hash": entry.prev_hash,
    }
    if entry.chain_version >= 2:
        del fields["ip_address"]
        fields["ip_digest"] = entry.ip_digest
        fields["chain_version"] = entry.chain_version
    return fields


def entry_hash(entry: AuditEntry) -> str:
    message = canonical_json(chained_fields(entry)).encode("ascii")
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), message, hashlib.sha256).hexdigest()


def hashes_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
