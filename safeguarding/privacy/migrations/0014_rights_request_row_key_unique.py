"""Every rights request now has a row key (0013): make it required and unique."""

import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("privacy", "0013_rights_request_row_keys")]

    operations = [
        migrations.AlterField(
            model_name="rightsrequest",
            name="row_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
