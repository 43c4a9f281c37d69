"""On PostgreSQL the database itself keeps the trail append-only, and appends never collide."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connections, transaction

from safeguarding.audit.models import AuditChainHead, AuditEntry
from safeguarding.audit.services import audit_log
from safeguarding.audit.verify import verify_chain
from tests.audit.helpers import execute

pytestmark = pytest.mark.postgres_only

Writer = Callable[[int], list[AuditEntry]]


@pytest.mark.django_db
def test_the_database_refuses_to_update_an_entry(write_entries: Writer) -> None:
    write_entries(2)

    with pytest.raises(DatabaseError, match="append-only"):
        execute("UPDATE audit_auditentry SET action = %s WHERE sequence = %s", ["x.y", 1])


@pytest.mark.django_db
def test_the_database_refuses_to_delete_an_entry(write_entries: Writer) -> None:
    write_entries(2)

    with pytest.raises(DatabaseError, match="append-only"):
        execute("DELETE FROM audit_auditentry WHERE sequence = %s", [2])


FIRST_REDACTION = (
    "UPDATE audit_auditentry SET details = %s::jsonb, reason = '', redacted_at = now(),"
    " redaction_reason = %s WHERE sequence = %s"
)


@pytest.mark.django_db
def test_the_database_allows_a_first_redaction_by_the_redaction_service(
    write_entries: Writer,
) -> None:
    write_entries(2)

    execute(FIRST_REDACTION, ['{"redacted": true}', "Erasure request 7", 1], as_service="redaction")

    assert AuditEntry.objects.get(sequence=1).redacted_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("said", ["", "forget_addresses", "rectification"])
def test_the_database_refuses_a_redaction_made_outside_the_redaction_service(
    write_entries: Writer, said: str
) -> None:
    write_entries(2)

    with pytest.raises(DatabaseError, match="append-only"):
        execute(FIRST_REDACTION, ['{"redacted": true}', "Erasure request 7", 1], as_service=said)


@pytest.mark.django_db
def test_the_database_refuses_a_redaction_that_changes_chained_columns(
    write_entries: Writer,
) -> None:
    write_entries(2)

    with pytest.raises(DatabaseError, match="append-only"):
        execute(
            "UPDATE audit_auditentry SET details = %s::jsonb, reason = '', redacted_at = now(),"
            " redaction_reason = 'x', target_id = 'other' WHERE sequence = %s",
            ['{"redacted": true}', 1],
            as_service="redaction",
        )


@pytest.mark.django_db
def test_the_database_refuses_a_redaction_that_rewrites_details(write_entries: Writer) -> None:
    write_entries(2)

    with pytest.raises(DatabaseError, match="append-only"):
        execute(
            "UPDATE audit_auditentry SET details = %s::jsonb, redacted_at = now(),"
            " redaction_reason = 'x' WHERE sequence = %s",
            ['{"n": 42}', 1],
            as_service="redaction",
        )


@pytest.mark.django_db
def test_the_database_refuses_a_second_redaction(write_entries: Writer) -> None:
    write_entries(1)
    redact = (
        "UPDATE audit_auditentry SET details = '{\"redacted\": true}'::jsonb, reason = '',"
        " redacted_at = now(), redaction_reason = %s WHERE sequence = 1"
    )
    execute(redact, ["first"], as_service="redaction")

    with pytest.raises(DatabaseError, match="append-only"):
        execute(redact, ["second"], as_service="redaction")


@pytest.mark.django_db
def test_the_database_refuses_to_move_the_chain_head_back(write_entries: Writer) -> None:
    write_entries(3)

    with pytest.raises(DatabaseError, match="only moves forward"):
        execute("UPDATE audit_auditchainhead SET last_sequence = %s", [2])
    with pytest.raises(DatabaseError, match="only moves forward"):
        execute("DELETE FROM audit_auditchainhead", [])


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_make_one_intact_chain() -> None:
    writers, per_writer = 8, 15
    start = threading.Barrier(writers)
    failures: list[BaseException] = []

    def append(writer: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                with transaction.atomic():
                    audit_log(
                        action="tests.thing.changed",
                        actor=None,
                        target_type="tests.writer",
                        target_id=writer,
                        details={"n": n},
                    )
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(writer,)) for writer in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    result = verify_chain()
    assert result.ok, result
    assert result.checked == writers * per_writer
    assert AuditChainHead.objects.get().last_sequence == writers * per_writer
