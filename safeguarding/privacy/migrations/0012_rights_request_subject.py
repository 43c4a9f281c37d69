"""Rights requests record whose data is asked for (the requester, a child, another adult).

A row key for the encrypted subject fields is added in three steps (nullable, filled, unique):
every existing row needs its own random key."""

from django.db import migrations, models

import safeguarding.core.encrypted_fields


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0011_hold_releases_and_erasures_need_a_second_person"),
    ]

    operations = [
        migrations.AddField(
            model_name="rightsrequest",
            name="row_key",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="subject",
            field=models.CharField(
                choices=[
                    ("self", "The requester themselves"),
                    ("child", "A child the requester is responsible for"),
                    ("adult", "Another adult the requester acts for"),
                ],
                default="self",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="subject_authority",
            field=models.TextField(
                blank=True,
                help_text="The requester's authority to act for the subject, and how it was checked.",
                max_length=2000,
            ),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="subject_date_of_birth",
            field=safeguarding.core.encrypted_fields.EncryptedDateField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="subject_email",
            field=models.EmailField(
                blank=True,
                help_text="Another adult's address, when the request is made for them.",
                max_length=254,
            ),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="subject_name",
            field=safeguarding.core.encrypted_fields.EncryptedTextField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="rightsrequest",
            name="subject_nhs_number",
            field=safeguarding.core.encrypted_fields.EncryptedTextField(blank=True, null=True),
        ),
    ]
