"""Verification finds every kind of tampering, and names the first entry it affects."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytest_django.fixtures import Settings

from safeguarding.audit.models import AuditChainHead, AuditEntry
from safeguarding.audit.verify import verify_chain
from tests.audit.helpers import tamper, tampering

pytestmark = pytest.mark.django_db

Writer = Callable[[int], list[AuditEntry]]


def test_an_empty_trail_is_intact() -> None:
    assert verify_chain().ok


def test_a_chain_of_several_entries_is_intact(write_entries: Writer) -> None:
    write_entries(5)

    result = verify_chain()

    assert result.ok
    assert result.checked == 5
    assert result.first_broken_sequence is None


def test_editing_an_entrys_action_is_detected(write_entries: Writer) -> None:
    write_entries(5)
    tamper(3, action="tests.thing.viewed")

    result = verify_chain()

    assert not result.ok
    assert result.first_broken_sequence == 3
    assert result.checked == 2
    assert "altered" in result.problem


def test_editing_an_entrys_time_is_detected(write_entries: Writer) -> None:
    entries = write_entries(3)
    tamper(2, occurred_at=entries[0].occurred_at)

    assert verify_chain().first_broken_sequence == 2


def test_editing_unredacted_details_is_detected(write_entries: Writer) -> None:
    write_entries(4)
    tamper(2, details={"n": 99})

    result = verify_chain()

    assert result.first_broken_sequence == 2
    assert "details" in result.problem


def test_editing_an_unredacted_reason_is_detected(write_entries: Writer) -> None:
    write_entries(4)
    tamper(4, reason="Something else")

    result = verify_chain()

    assert result.first_broken_sequence == 4
    assert "reason" in result.problem


def test_deleting_a_middle_entry_is_detected(write_entries: Writer) -> None:
    write_entries(5)
    with tampering():
        AuditEntry.objects.filter(sequence=3).delete()

    result = verify_chain()

    assert result.first_broken_sequence == 3
    assert "missing" in result.problem


def test_deleting_the_last_entry_is_detected(write_entries: Writer) -> None:
    write_entries(5)
    with tampering():
        AuditEntry.objects.filter(sequence=5).delete()

    result = verify_chain()

    assert result.first_broken_sequence == 5
    assert "missing" in result.problem


def test_deleting_a_middle_entry_and_renumbering_the_rest_is_detected(
    write_entries: Writer,
) -> None:
    write_entries(4)
    with tampering():
        AuditEntry.objects.filter(sequence=2).delete()
        for sequence in (3, 4):
            AuditEntry.objects.filter(sequence=sequence).update(sequence=sequence - 1)
        AuditChainHead.objects.update(last_sequence=3)

    assert verify_chain().first_broken_sequence == 2


def test_swapping_the_content_of_two_entries_is_detected(write_entries: Writer) -> None:
    write_entries(4)
    columns = [
        field.attname for field in AuditEntry._meta.concrete_fields if field.attname != "sequence"
    ]
    second, third = (
        AuditEntry.objects.filter(sequence=sequence).values(*columns).get() for sequence in (2, 3)
    )
    tamper(2, **third)
    tamper(3, **second)

    result = verify_chain()

    assert result.first_broken_sequence == 2
    assert not result.ok


def test_replacing_an_entry_with_a_copy_of_its_neighbour_is_detected(write_entries: Writer) -> None:
    entries = write_entries(3)
    tamper(
        2,
        action=entries[0].action,
        prev_hash=entries[0].prev_hash,
        entry_hash=entries[0].entry_hash,
    )

    assert verify_chain().first_broken_sequence == 2


def test_a_chain_head_that_disagrees_with_the_last_entry_is_detected(write_entries: Writer) -> None:
    write_entries(3)
    with tampering():
        AuditChainHead.objects.update(last_hash="f" * 64)

    result = verify_chain()

    assert not result.ok
    assert "head" in result.problem


def test_a_missing_chain_head_is_detected(write_entries: Writer) -> None:
    write_entries(2)
    with tampering():
        AuditChainHead.objects.all().delete()

    result = verify_chain()

    assert not result.ok
    assert "head" in result.problem


def test_a_chain_checked_with_another_key_fails_from_the_first_entry(
    write_entries: Writer, settings: Settings
) -> None:
    write_entries(2)
    settings.AUDIT_HMAC_KEY = "someone-elses-key-who-rewrote-the-chain"

    assert verify_chain().first_broken_sequence == 1
