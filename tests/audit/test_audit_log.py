"""Appending: what audit_log records, and that it goes with the surrounding transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction

from safeguarding.accounts.models import User
from safeguarding.audit.models import GENESIS_HASH, AuditChainHead, AuditEntry
from safeguarding.audit.services import audit_log
from safeguarding.audit.verify import verify_chain
from safeguarding.core import request_context
from safeguarding.core.request_context import RequestContext

pytestmark = pytest.mark.django_db


def test_a_target_instance_gives_its_type_and_id(administrator: User, colleague: User) -> None:
    entry = audit_log(action="accounts.role.granted", actor=administrator, target=colleague)

    assert (entry.target_type, entry.target_id) == ("accounts.user", str(colleague.pk))
    assert entry.actor == administrator
    assert entry.actor_label == "staff"


def test_entries_are_numbered_and_linked_in_order(
    write_entries: Callable[[int], list[AuditEntry]],
) -> None:
    first, second, third = write_entries(3)

    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert third.prev_hash == second.entry_hash
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (3, third.entry_hash)


def test_the_address_comes_from_the_request_when_not_given(colleague: User) -> None:
    with request_context.bound(RequestContext(ip_address="203.0.113.9")):
        entry = audit_log(action="accounts.user.signed_out", actor=colleague, target=colleague)

    assert entry.ip_address == "203.0.113.9"


def test_an_address_given_by_the_caller_wins(colleague: User) -> None:
    with request_context.bound(RequestContext(ip_address="203.0.113.9")):
        entry = audit_log(
            action="accounts.user.signed_out",
            actor=colleague,
            target=colleague,
            ip_address="198.51.100.1",
        )

    assert entry.ip_address == "198.51.100.1"


def test_an_ipv6_address_is_stored_as_the_database_returns_it(colleague: User) -> None:
    audit_log(action="accounts.user.signed_out", actor=colleague, ip_address="2001:0DB8:0000::0001")
    audit_log(action="accounts.user.signed_out", actor=colleague, ip_address="::ffff:192.0.2.1")

    addresses = list(AuditEntry.objects.values_list("ip_address", flat=True))
    assert addresses == ["2001:db8::1", "192.0.2.1"]
    assert verify_chain().ok


def test_an_anonymous_visitor_is_recorded_as_anonymous() -> None:
    with request_context.bound(RequestContext(ip_address="203.0.113.9")):
        # Views may pass request.user as it is; the signature asks for a User or None.
        visitor: Any = AnonymousUser()
        entry = audit_log(action="accounts.login.failed", actor=visitor)

    assert entry.actor is None
    assert entry.actor_label == "anonymous"


def test_work_outside_a_request_is_recorded_as_the_system() -> None:
    entry = audit_log(action="tests.sweep.finished", actor=None)

    assert entry.actor is None
    assert entry.actor_label == "system"
    assert entry.ip_address is None


def test_it_records_on_whose_behalf_and_why(administrator: User, colleague: User) -> None:
    entry = audit_log(
        action="accounts.mfa.reset",
        actor=administrator,
        on_behalf_of=colleague,
        target=colleague,
        reason="Lost phone, confirmed by line manager",
    )

    entry.refresh_from_db()
    assert entry.on_behalf_of == colleague
    assert entry.reason == "Lost phone, confirmed by line manager"


@pytest.mark.parametrize(
    "action", ["login", "Accounts.Login", "accounts.", "accounts login.x", "accounts.user.hugged"]
)
def test_it_refuses_an_action_that_no_app_registered(action: str) -> None:
    with pytest.raises(ValueError, match="not registered"):
        audit_log(action=action, actor=None)

    assert not AuditEntry.objects.exists()


def test_it_refuses_a_target_and_a_target_type_together(colleague: User) -> None:
    with pytest.raises(ValueError, match="not both"):
        audit_log(
            action="accounts.user.signed_out", actor=None, target=colleague, target_type="x.y"
        )


def test_details_are_stored_as_json_would_return_them() -> None:
    entry = audit_log(action="tests.thing.changed", actor=None, details={"ids": (1, 2)})

    entry.refresh_from_db()
    assert entry.details == {"ids": [1, 2]}
    assert verify_chain().ok


def test_nothing_is_written_when_the_surrounding_transaction_rolls_back() -> None:
    def change_then_fail() -> None:
        with transaction.atomic():
            audit_log(action="accounts.user.created", actor=None, target_type="accounts.user")
            raise RuntimeError("the business change failed")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert not AuditEntry.objects.exists()
    assert audit_log(action="accounts.user.created", actor=None).sequence == 1
    assert verify_chain().ok


def test_an_entry_costs_one_locking_read_and_one_write_on_postgresql(
    django_assert_num_queries: Any, administrator: User
) -> None:
    """The head is locked and read once, then the entry's insert and the head's move are one
    statement on PostgreSQL (two on SQLite, whose transaction already holds the write lock);
    what was written reads back as written and the chain verifies."""
    audit_log(action="tests.thing.changed", actor=None)  # the head exists from here on
    expected = 2 if connection.vendor == "postgresql" else 3
    with transaction.atomic(), django_assert_num_queries(expected):
        entry = audit_log(
            action="tests.thing.changed",
            actor=administrator,
            target_type="tests.thing",
            target_id=7,
            reason="Checked",
            details={"n": 7, "names": ["a", "b"]},
            ip_address="::ffff:192.0.2.1",
        )

    stored = AuditEntry.objects.get(sequence=entry.sequence)
    assert (stored.actor_id, stored.details, stored.reason, stored.ip_address) == (
        administrator.pk,
        {"n": 7, "names": ["a", "b"]},
        "Checked",
        "192.0.2.1",
    )
    assert stored.occurred_at == entry.occurred_at
    assert AuditChainHead.objects.get().last_hash == stored.entry_hash == entry.entry_hash
    assert verify_chain().ok
