"""Written authorisations wait for a second person's approval; authorisations and disclosures
get a random public id for their URLs.

The public ids are added empty here, filled in 0008 and made unique in 0009 (Django's way to
add a unique field to a table that has rows). Written authorisations recorded before this
migration have no approval, so they wait for one: staff cannot rely on them until a data
protection lead or partnership administrator other than the recorder approves them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0007_retention_proposals_need_a_second_person"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="authorisation",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="authorisation",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="authorisation",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="authorisation",
            name="rejected_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="authorisation",
            name="rejected_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="authorisation",
            name="rejection_reason",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="disclosurerecord",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddConstraint(
            model_name="authorisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("kind", "written"),
                    models.Q(("approved_at__isnull", True), ("rejected_at__isnull", True)),
                    _connector="OR",
                ),
                name="only_written_authorisations_are_approved",
            ),
        ),
        migrations.AddConstraint(
            model_name="authorisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("approved_at__isnull", True), ("rejected_at__isnull", True), _connector="OR"
                ),
                name="authorisation_approved_or_rejected_not_both",
            ),
        ),
        migrations.AddConstraint(
            model_name="authorisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("approved_by__isnull", True),
                    models.Q(("approved_by", models.F("recorded_by")), _negated=True),
                    _connector="OR",
                ),
                name="authorisation_approved_by_someone_else",
            ),
        ),
        migrations.AddConstraint(
            model_name="authorisation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("rejected_by__isnull", True),
                    models.Q(("rejected_by", models.F("recorded_by")), _negated=True),
                    _connector="OR",
                ),
                name="authorisation_rejected_by_someone_else",
            ),
        ),
    ]
