"""Content versions: one-row tables whose ``value`` the database raises, by triggers made with
``core.migrations_helpers.create_version_triggers``, in the same transaction as every change
to the tables a public page shows (bulk updates, the retention sweep's deletes and raw SQL
count too). A page cached under the value (``core.fragment_cache``) never outlives its data.
"""

from __future__ import annotations

from django.db import IntegrityError, connection, models


def version_of(model: type[models.Model]) -> int:
    """The current value of ``model``'s version row. Read it *before* the data a page shows:
    the page is then never older than its version (a change committed in between makes a
    newer version)."""
    # A plain statement: this runs on every cached page that shows such data, where the
    # ORM's query building would cost more than the database's answer.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {model._meta.db_table} WHERE id = 1")  # noqa: S608 - a model's own table
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    # The row is made by the migration; a database emptied since (a flushed test database)
    # gets it back here.
    manager = model._default_manager
    try:
        return int(manager.get_or_create(pk=1)[0].value)  # type: ignore[attr-defined]
    except IntegrityError:  # pragma: no cover - another request made it first
        return int(manager.get(pk=1).value)  # type: ignore[attr-defined]
