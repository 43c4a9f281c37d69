from django.db import migrations


def create_review_officer_role(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Review officer")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_staff_invitation_and_trainer_role"),
    ]

    operations = [
        migrations.RunPython(create_review_officer_role, migrations.RunPython.noop),
    ]
