"""Content versions: one-row tables whose ``value`` the database raises, by triggers made with
``core.migrations_helpers.create_version_triggers``, in the same transaction as every change
to the tables a public page shows (bulk updates, the retention sweep's deletes and raw SQL
count too). A page cached under the value (``core.fragment_cache``) never outlives its data.

Reading a version is all a cached page costs the database, once a request, so on PostgreSQL it
is read with a statement each connection prepares once, straight through libpq (see
``_read_prepared``). It is still read from the database at the moment the request asks, on the
request's own connection, so it is exactly as fresh as an ordinary ``SELECT``: a change
committed before the request sees its new version, whichever process or machine serves it.
"""

from __future__ import annotations

import hashlib
from functools import cache

from django.db import DEFAULT_DB_ALIAS, Error, IntegrityError, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import pq


def version_of(model: type[models.Model]) -> int:
    """The current value of ``model``'s version row. Read it *before* the data a page shows:
    the page is then never older than its version (a change committed in between makes a
    newer version)."""
    # The connection itself, not django.db.connection: each attribute of that proxy is a
    # look-up of this thread's connection, which alone cost more here than the read.
    value = _read(connections[DEFAULT_DB_ALIAS], model._meta.db_table)
    if value is not None:
        return value
    # The row is made by the migration; a database emptied since (a flushed test database)
    # gets it back here.
    manager = model._default_manager
    try:
        return int(manager.get_or_create(pk=1)[0].value)  # type: ignore[attr-defined]
    except IntegrityError:  # pragma: no cover - another request made it first
        return int(manager.get(pk=1).value)  # type: ignore[attr-defined]


@cache
def _statement(table: str) -> tuple[str, bytes]:
    """The read of ``table``'s version, and the name it is prepared under."""
    sql = f"SELECT value FROM {table} WHERE id = 1"  # noqa: S608 - a model's own table
    return sql, f"content_version_{hashlib.sha256(table.encode()).hexdigest()[:16]}".encode()


def _read(connection: BaseDatabaseWrapper, table: str) -> int | None:
    """The version, or None if its row is missing. When it is the request's first use of a
    kept connection (CONN_HEALTH_CHECKS), the read is the connection's health check too:
    Django would send its own ``SELECT 1`` first, a second round trip for every cached page.
    As that check would, a connection that fails is closed and the read made again on a new
    one."""
    # Django's own flags for its check (undocumented, so read with a default: without them
    # Django checks as usual).
    checking = (
        connection.connection is not None
        and getattr(connection, "health_check_enabled", False)
        and not getattr(connection, "health_check_done", True)
        and not connection.in_atomic_block
    )
    if checking:
        connection.health_check_done = True  # type: ignore[attr-defined]  # see above
    try:
        return _read_once(connection, table)
    except Error:
        if not checking:
            raise
        connection.close()
    return _read_once(connection, table)


def _read_once(connection: BaseDatabaseWrapper, table: str) -> int | None:
    if connection.vendor == "postgresql" and not _watched(connection):
        return _read_prepared(connection, table)
    return _read_plain(connection, table)


def _read_plain(connection: BaseDatabaseWrapper, table: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(_statement(table)[0])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _watched(connection: BaseDatabaseWrapper) -> bool:
    """Whether something looks at the statements Django runs (the debug query log, tests
    counting queries, execute wrappers): the read then goes through Django's cursor, so they
    see it as before."""
    return connection.queries_logged or bool(connection.execute_wrappers)


def _read_prepared(connection: BaseDatabaseWrapper, table: str) -> int | None:
    """The version read (PostgreSQL) with a statement this connection prepared on its first
    read, sent straight through libpq: the server neither parses nor plans it again, and
    none of Django's and psycopg's cursor layers run in Python. Measured, those cost more
    than the answer (docs/architecture.md).

    Only outside a transaction (where a page reads it), so a refused statement aborts
    nothing: should the server not know the statement (after ``DISCARD ALL``, or through a
    pooler that hands over another server connection), or already know the name (a pooler's
    server connection another client prepared it on: the same name is always the same
    statement), the read is made the ordinary way. Inside a transaction it is made the
    ordinary way too."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = connection.connection
    pgconn = raw.pgconn
    if pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return _read_plain(connection, table)
    # The statements this psycopg connection has prepared (a new connection has none).
    kept = getattr(connection, "_content_version_statements", None)
    if kept is None or kept[0] is not raw:
        kept = (raw, set())
        connection._content_version_statements = kept  # type: ignore[attr-defined]  # ours
    prepared: set[bytes] = kept[1]
    sql, name = _statement(table)
    with connection.wrap_database_errors:
        if name not in prepared:
            # Refused if the server already has it: the read below tells.
            pgconn.prepare(name, sql.encode())
        result = pgconn.exec_prepared(name, [])
        if result.status == pq.ExecStatus.TUPLES_OK:
            prepared.add(name)
            return int(result.get_value(0, 0)) if result.ntuples else None
        prepared.discard(name)
    return _read_plain(connection, table)
