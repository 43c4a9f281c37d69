"""Helpers for audit tests that need to act as an attacker with database access."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from safeguarding.audit.models import AuditEntry


@contextmanager
def tampering() -> Iterator[None]:
    """Act as a database superuser, who can switch the append-only triggers off.

    On SQLite there are no triggers, so this does nothing there.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")


def tamper(sequence: int, **changes: object) -> None:
    """Change one entry's columns directly in the database, as an attacker would."""
    with tampering():
        AuditEntry.objects.filter(sequence=sequence).update(**changes)


def execute(sql: str, params: list[object], *, as_service: str = "", cutoff: str = "") -> None:
    """One statement in its own transaction, as the application's database role would run it
    (the PostgreSQL triggers still apply). ``as_service`` says, as the audit services do, which
    permitted change the transaction makes ("redaction" or "forget_addresses", with the
    ``cutoff`` before which addresses may go)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if as_service:
            cursor.execute(
                "SELECT set_config('safeguarding.audit_change', %s, true),"
                " set_config('safeguarding.audit_address_cutoff', %s, true)",
                [as_service, cutoff],
            )
        cursor.execute(sql, params)
