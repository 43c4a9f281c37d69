"""Corrections made before secrets were refused may hold a password hash, an authenticator key
or another secret as their before and after values: blank them. The record of the correction
(who, when, which field) stays."""

from django.db import migrations

# The secrets the inventory declared when this migration was written (safeguarding.privacy
# .inventory.secret); a migration must not read the live inventory, which changes later.
SECRET_FIELDS = [
    ("accounts.User", "password"),
    ("accounts.StaffSession", "session_key"),
    ("accounts.StaffSession", "session_data"),
    ("sessions.Session", "session_key"),
    ("sessions.Session", "session_data"),
    ("otp_totp.TOTPDevice", "key"),
    ("otp_static.StaticToken", "token"),
    ("privacy.SecurityQuestion", "answer_hash"),
    ("axes.AccessLog", "session_hash"),
]
REMOVED = "[a secret: removed]"


def forget(apps, schema_editor):
    Rectification = apps.get_model("privacy", "Rectification")
    for model_label, field_name in SECRET_FIELDS:
        Rectification.objects.filter(model_label=model_label, field_name=field_name).update(
            before=REMOVED, after=REMOVED
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_rights_outcomes")]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
