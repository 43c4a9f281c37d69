"""The catalogue version: one row, raised by database triggers in the same transaction as
every change to the tables the public catalogue and course pages show (``CatalogueVersion``).
PostgreSQL raises it once per statement; SQLite has only row triggers, and its writers take
turns anyway."""

from django.db import migrations

from safeguarding.core.migrations_helpers import content_version_operations

WATCHED = (
    "training_course",
    "training_course_prerequisites",
    "training_session",
    "training_booking",
    "training_waitinglistentry",
)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0003_staff_back_office"),
    ]

    operations = content_version_operations(
        model="CatalogueVersion",
        table="training_catalogueversion",
        name="catalogue_version",
        watched=WATCHED,
    )
