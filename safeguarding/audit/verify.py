"""Checking the whole audit chain, streaming it so memory stays flat on millions of entries.

The chain head is read first and only entries up to its sequence are checked, so entries
appended while the check runs are left for the next run instead of looking like tampering.
Problems are described by kind and sequence only, never by an entry's content.
"""

from __future__ import annotations

from dataclasses import dataclass

from safeguarding.audit import chain
from safeguarding.audit.models import GENESIS_HASH, HEAD_PK, AuditChainHead, AuditEntry
from safeguarding.audit.services import REDACTION_ACTION

ENTRY_TARGET_TYPE = AuditEntry._meta.label_lower


@dataclass(frozen=True)
class VerificationResult:
    ok: bool
    checked: int
    first_broken_sequence: int | None = None
    problem: str = ""


def verify_chain() -> VerificationResult:
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None:
        if AuditEntry.objects.exists():
            return VerificationResult(ok=False, checked=0, problem="the chain head is missing")
        return VerificationResult(ok=True, checked=0)

    entries = AuditEntry.objects.filter(sequence__lte=head.last_sequence).order_by("sequence")
    checked, prev_hash = 0, GENESIS_HASH
    redactions_to_account_for: set[int] = set()
    for entry in entries.iterator(chunk_size=2000):
        expected = checked + 1
        if entry.sequence != expected:
            return _broken(checked, expected, "entry missing (deleted)")
        problem = _problem_with(entry, prev_hash=prev_hash)
        if problem:
            return _broken(checked, entry.sequence, problem)
        if entry.redacted_at is not None:
            redactions_to_account_for.add(entry.sequence)
        if _records_a_redaction(entry):
            redactions_to_account_for.discard(int(entry.target_id))
        checked, prev_hash = entry.sequence, entry.entry_hash

    if checked < head.last_sequence:
        return _broken(checked, checked + 1, "entry missing (deleted from the end of the chain)")
    if not chain.hashes_equal(prev_hash, head.last_hash):
        return _broken(checked, checked, "the chain head does not match the last entry")
    if redactions_to_account_for:
        first = min(redactions_to_account_for)
        return _broken(checked, first, "redacted without an audit.entry.redacted record")
    return VerificationResult(ok=True, checked=checked)


def _problem_with(entry: AuditEntry, *, prev_hash: str) -> str:
    if not chain.hashes_equal(chain.entry_hash(entry), entry.entry_hash):
        return "entry altered (hash mismatch)"
    if not chain.hashes_equal(entry.prev_hash, prev_hash):
        return "entry does not follow the previous one (removed, replaced or reordered)"
    if (
        entry.chain_version >= 2
        and entry.ip_address is not None
        and not chain.hashes_equal(chain.address_digest(entry.ip_address), entry.ip_digest)
    ):
        return "address altered (digest mismatch)"
    if entry.redacted_at is None:
        if chain.digest(entry.details) != entry.details_digest:
            return "details altered (digest mismatch)"
        if chain.digest(entry.reason) != entry.reason_digest:
            return "reason altered (digest mismatch)"
    elif entry.details != chain.REDACTED_DETAILS or entry.reason:
        return "redacted entry still holds content"
    return ""


def _records_a_redaction(entry: AuditEntry) -> bool:
    return (
        entry.action == REDACTION_ACTION
        and entry.target_type == ENTRY_TARGET_TYPE
        and entry.target_id.isdigit()
    )


def _broken(checked: int, sequence: int, problem: str) -> VerificationResult:
    return VerificationResult(
        ok=False, checked=checked, first_broken_sequence=sequence, problem=problem
    )
