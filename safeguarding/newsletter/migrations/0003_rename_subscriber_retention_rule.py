"""The subscriber retention rule was renamed (it now also covers people whose every topic was
retired): a period the data protection lead set under the old name keeps applying."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

OLD, NEW = "newsletter_unconfirmed", "newsletter_subscriber"


def rename(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    setting = apps.get_model("privacy", "RetentionSetting")
    setting.objects.filter(rule_key=OLD).update(rule_key=NEW)


def rename_back(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    setting = apps.get_model("privacy", "RetentionSetting")
    setting.objects.filter(rule_key=NEW).update(rule_key=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0002_topics_and_wording"),
        ("privacy", "0004_rights_outcomes"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
