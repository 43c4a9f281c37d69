"""The catalogue version: one row, raised by database triggers in the same transaction as
every change to the tables the public catalogue and course pages show (``CatalogueVersion``).
PostgreSQL raises it once per statement; SQLite has only row triggers, and its writers take
turns anyway."""

from typing import Any

from django.db import migrations, models

WATCHED = (
    "training_course",
    "training_course_prerequisites",
    "training_session",
    "training_booking",
    "training_waitinglistentry",
)
BUMP = "UPDATE training_catalogueversion SET value = value + 1 WHERE id = 1"


def create_triggers(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO training_catalogueversion (id, value) VALUES (1, 0)")
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION training_bump_catalogue_version() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {BUMP}; RETURN NULL; END $$"
            )
            for table in WATCHED:
                cursor.execute(
                    f"CREATE TRIGGER {table}_catalogue_version "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION training_bump_catalogue_version()"
                )
        elif connection.vendor == "sqlite":
            for table in WATCHED:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    cursor.execute(
                        f"CREATE TRIGGER {table}_catalogue_version_{event.lower()} "
                        f"AFTER {event} ON {table} BEGIN {BUMP}; END"
                    )
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            raise NotImplementedError(connection.vendor)


def drop_triggers(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in WATCHED:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_catalogue_version ON {table}")
            cursor.execute("DROP FUNCTION IF EXISTS training_bump_catalogue_version()")
        else:
            for table in WATCHED:
                for event in ("insert", "update", "delete"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_catalogue_version_{event}")


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_staff_back_office"),
    ]

    operations = [
        migrations.CreateModel(
            name="CatalogueVersion",
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
        migrations.RunPython(create_triggers, drop_triggers),
    ]
