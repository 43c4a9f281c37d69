"""Give each existing rights request its own random row key (see 0012)."""

import uuid

from django.db import migrations


def fill_row_keys(apps, schema_editor):
    RightsRequest = apps.get_model("privacy", "RightsRequest")
    for pk in RightsRequest.objects.filter(row_key__isnull=True).values_list("pk", flat=True):
        RightsRequest.objects.filter(pk=pk).update(row_key=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("privacy", "0012_rights_request_subject")]

    operations = [migrations.RunPython(fill_row_keys, migrations.RunPython.noop)]
