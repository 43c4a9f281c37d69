"""Give every existing authorisation and disclosure its own random public id."""

import uuid

from django.db import migrations


def fill_public_ids(apps, schema_editor):
    for name in ("Authorisation", "DisclosureRecord"):
        model = apps.get_model("privacy", name)
        for pk in model.objects.filter(public_id__isnull=True).values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0008_authorisation_approval_public_ids"),
    ]

    operations = [
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop, elidable=True),
    ]
