"""Public ids are set for every row (0008): make them required and unique."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0009_fill_public_ids"),
    ]

    operations = [
        migrations.AlterField(
            model_name="authorisation",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="disclosurerecord",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
