"""Content versions: one-row tables whose ``value`` the database raises, by triggers made with
``core.migrations_helpers.create_version_triggers``, in the same transaction as every change
to the tables a public page shows (bulk updates, the retention sweep's deletes and raw SQL
count too). A page cached under the value (``core.fragment_cache``) never outlives its data.
"""

from __future__ import annotations

from typing import Any

from django.db import Error, IntegrityError, connection, models


def version_of(model: type[models.Model]) -> int:
    """The current value of ``model``'s version row. Read it *before* the data a page shows:
    the page is then never older than its version (a change committed in between makes a
    newer version)."""
    # A plain statement: this runs on every cached page that shows such data, where the
    # ORM's query building would cost more than the database's answer.
    row = _first_row(f"SELECT value FROM {model._meta.db_table} WHERE id = 1")  # noqa: S608 - a model's own table
    if row is not None:
        return int(row[0])
    # The row is made by the migration; a database emptied since (a flushed test database)
    # gets it back here.
    manager = model._default_manager
    try:
        return int(manager.get_or_create(pk=1)[0].value)  # type: ignore[attr-defined]
    except IntegrityError:  # pragma: no cover - another request made it first
        return int(manager.get(pk=1).value)  # type: ignore[attr-defined]


def _first_row(sql: str) -> tuple[Any, ...] | None:
    """The statement's first row. When it is the request's first use of a kept connection
    (CONN_HEALTH_CHECKS), it is the connection's health check too: Django would send its own
    ``SELECT 1`` first, a second round trip for every cached page. As that check would, a
    connection that fails is closed and the read made again on a new one."""
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
        return _fetch_first(sql)
    except Error:
        if not checking:
            raise
        connection.close()
    return _fetch_first(sql)


def _fetch_first(sql: str) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()  # type: ignore[no-any-return]
