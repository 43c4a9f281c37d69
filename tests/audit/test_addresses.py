"""Network addresses in the audit trail can be removed without breaking the chain: the hash
covers a keyed hash of the address, not the address. Addresses go after
AUDIT_ADDRESS_DAYS, and when an entry is redacted. Entries written before this change
(chain version 1, the address itself in the hash) still verify, and keep their address."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from safeguarding.audit import chain, services
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_forget_addresses, audit_log, audit_redact
from safeguarding.audit.verify import verify_chain
from tests.audit.helpers import execute, tamper
from tests.conftest import rolled_back

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"


def entry(address: str | None = ADDRESS, *, days_ago: int = 0) -> AuditEntry:
    """An entry written ``days_ago`` days ago (the clock is set back while it is written:
    its time is chained, so it cannot be changed afterwards)."""
    if not days_ago:
        return audit_log(action="tests.thing.changed", actor=None, ip_address=address)
    then = timezone.now() - timedelta(days=days_ago)
    with pytest.MonkeyPatch.context() as clock:
        clock.setattr(timezone, "now", lambda: then)
        return audit_log(action="tests.thing.changed", actor=None, ip_address=address)


def test_a_new_entry_chains_a_keyed_hash_of_its_address_not_the_address() -> None:
    written = entry()

    assert written.chain_version == 2
    assert written.ip_address == ADDRESS
    assert len(written.ip_digest) == 64
    assert ADDRESS not in chain.canonical_json(chain.chained_fields(written))
    assert written.ip_digest != chain.digest(ADDRESS)  # keyed: not guessable from the address
    assert verify_chain().ok


def test_an_entry_without_an_address_has_no_digest() -> None:
    assert entry(None).ip_digest == ""


def test_addresses_older_than_the_limit_are_forgotten_and_the_chain_still_verifies(
    settings: object,
) -> None:
    settings.AUDIT_ADDRESS_DAYS = 365  # type: ignore[attr-defined]
    old, recent = entry(days_ago=366), entry(days_ago=300)

    forgotten = audit_forget_addresses()

    old.refresh_from_db()
    recent.refresh_from_db()
    assert forgotten == 1
    assert old.ip_address is None
    assert old.ip_digest  # still chained
    assert recent.ip_address == ADDRESS
    assert verify_chain().ok
    assert AuditEntry.objects.filter(action="audit.addresses.forgotten").count() == 1


def test_redaction_removes_the_address_too() -> None:
    written = entry()

    audit_redact(entry=written, actor=None, reason="Erasure request 12")

    written.refresh_from_db()
    assert written.ip_address is None
    assert verify_chain().ok


def test_changing_an_address_is_detected() -> None:
    written = entry()
    entry()

    tamper(written.sequence, ip_address="198.51.100.9")

    result = verify_chain()
    assert not result.ok
    assert result.first_broken_sequence == written.sequence
    assert "address" in result.problem


def test_passing_an_entry_off_as_the_old_version_is_detected() -> None:
    written = entry()

    tamper(written.sequence, chain_version=1)

    assert not verify_chain().ok


def test_entries_from_before_the_change_still_verify_and_keep_their_address(
    monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    settings.AUDIT_ADDRESS_DAYS = 1  # type: ignore[attr-defined]
    monkeypatch.setattr(services, "CHAIN_VERSION", 1)
    legacy = entry(days_ago=30)
    monkeypatch.setattr(services, "CHAIN_VERSION", 2)
    entry(days_ago=30)

    assert legacy.chain_version == 1
    assert legacy.ip_digest == ""
    assert audit_forget_addresses() == 1  # only the new entry's address can go
    legacy.refresh_from_db()
    assert legacy.ip_address == ADDRESS
    assert verify_chain().ok


FORGET = "UPDATE audit_auditentry SET ip_address = NULL WHERE sequence = %s"


def _cutoff(days_ago: int) -> str:
    return (timezone.now() - timedelta(days=days_ago)).isoformat()


@pytest.mark.postgres_only
def test_the_database_lets_the_daily_job_take_an_address_before_its_cut_off() -> None:
    written = entry(days_ago=400)

    execute(FORGET, [written.sequence], as_service="forget_addresses", cutoff=_cutoff(365))

    written.refresh_from_db()
    assert written.ip_address is None


@pytest.mark.postgres_only
def test_the_database_refuses_to_change_an_address() -> None:
    written = entry(days_ago=400)

    with pytest.raises(DatabaseError, match="append-only"):
        execute(
            "UPDATE audit_auditentry SET ip_address = %s WHERE sequence = %s",
            ["198.51.100.9", written.sequence],
            as_service="forget_addresses",
            cutoff=_cutoff(365),
        )


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("said", "cutoff_days_ago"),
    [
        ("", 365),  # a generic tool, or a raw .update() anywhere else
        ("redaction", 365),  # a redaction must redact, not only take the address
        ("rectification", 365),
        ("forget_addresses", 500),  # the entry is newer than the job's cut-off
        ("forget_addresses", None),  # the job named no cut-off
    ],
)
def test_the_database_refuses_to_take_an_address_outside_the_daily_job(
    said: str, cutoff_days_ago: int | None
) -> None:
    written = entry(days_ago=400)
    cutoff = "" if cutoff_days_ago is None else _cutoff(cutoff_days_ago)

    with pytest.raises(DatabaseError, match="append-only"):
        execute(FORGET, [written.sequence], as_service=said, cutoff=cutoff)


@pytest.mark.postgres_only
def test_a_generic_update_of_addresses_is_refused() -> None:
    entry(days_ago=400)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.update(ip_address=None)


@pytest.mark.postgres_only
def test_the_daily_jobs_permission_ends_with_its_statement() -> None:
    entry(days_ago=400)

    with rolled_back():  # the job's own durable transaction nests in it, as in a test
        assert audit_forget_addresses() == 1
        later = entry(days_ago=400)  # in the same transaction, after the job's statement
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(sequence=later.sequence).update(ip_address=None)


@pytest.mark.postgres_only
def test_the_database_keeps_the_address_of_an_old_version_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "CHAIN_VERSION", 1)
    legacy = entry()

    with pytest.raises(DatabaseError, match="append-only"):
        execute(
            "UPDATE audit_auditentry SET ip_address = NULL WHERE sequence = %s",
            [legacy.sequence],
        )


@pytest.mark.postgres_only
def test_the_database_refuses_to_change_the_version_or_the_digest() -> None:
    written = entry()

    for column, value in (("chain_version", 1), ("ip_digest", "0" * 64)):
        with pytest.raises(DatabaseError, match="append-only"):
            execute(
                f"UPDATE audit_auditentry SET {column} = %s WHERE sequence = %s",  # noqa: S608
                [value, written.sequence],
            )


@pytest.mark.postgres_only
def test_the_database_lets_a_redaction_take_the_address(
    write_entries: Callable[[int], list[AuditEntry]],
) -> None:
    written = entry()

    execute(
        "UPDATE audit_auditentry SET details = %s::jsonb, reason = '', redacted_at = now(),"
        " redaction_reason = %s, ip_address = NULL WHERE sequence = %s",
        ['{"redacted": true}', "Erasure request 7", written.sequence],
        as_service="redaction",
    )

    written.refresh_from_db()
    assert written.ip_address is None
