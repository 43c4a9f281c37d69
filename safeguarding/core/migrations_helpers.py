"""Operations shared by several apps' migrations.

Migrations import from here by path, and a migration's imports are frozen once it has run, so
nothing here may be renamed or removed; add rather than change.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


class RunSQLOnPostgreSQL(migrations.RunSQL):
    """RunSQL that does nothing on other databases (``sqlmigrate`` still shows the SQL)."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def create_version_triggers(
    schema_editor: Any, *, version_table: str, name: str, watched: tuple[str, ...]
) -> None:
    """Make ``version_table``'s one row (id 1, value 0) and triggers that raise its value, in
    the same transaction, on every insert, update or delete in the ``watched`` tables (and
    truncate, on PostgreSQL): a page cached under the value never outlives the data it shows.
    PostgreSQL raises it once per statement; SQLite has only row triggers, and its writers
    take turns anyway. ``name`` names the triggers (``<table>_<name>``)."""
    connection = schema_editor.connection
    app_label = version_table.partition("_")[0]
    bump = f"UPDATE {version_table} SET value = value + 1 WHERE id = 1"  # noqa: S608 - our own table names
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {version_table} (id, value) VALUES (1, 0)")  # noqa: S608 - our own table names
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE FUNCTION {app_label}_bump_{name}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {bump}; RETURN NULL; END $$"
            )
            for table in watched:
                cursor.execute(
                    f"CREATE TRIGGER {table}_{name} "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {app_label}_bump_{name}()"
                )
        elif connection.vendor == "sqlite":
            for table in watched:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_{name}_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN {bump}; END"
                    )
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            raise NotImplementedError(connection.vendor)


def drop_version_triggers(
    schema_editor: Any, *, version_table: str, name: str, watched: tuple[str, ...]
) -> None:
    """Undo ``create_version_triggers`` (the row goes with its table)."""
    connection = schema_editor.connection
    app_label = version_table.partition("_")[0]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in watched:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {app_label}_bump_{name}()")
        else:
            for table in watched:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_{name}_{event}")


def content_version_operations(
    *, model: str, table: str, name: str, watched: tuple[str, ...]
) -> list[migrations.operations.base.Operation]:
    """A migration's operations for a content version (``core.content_versions``): the model
    ``model`` (one ``value``, stored in ``table``) and its triggers on ``watched``."""

    def create(apps: Any, schema_editor: Any) -> None:
        create_version_triggers(schema_editor, version_table=table, name=name, watched=watched)

    def drop(apps: Any, schema_editor: Any) -> None:
        drop_version_triggers(schema_editor, version_table=table, name=name, watched=watched)

    return [
        migrations.CreateModel(
            name=model,
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create, drop),
    ]
