"""The public list of reviews' version: one row, raised by database triggers in the same
transaction as every change to a published report (``PublishedListVersion``)."""

from django.db import migrations

from safeguarding.core.migrations_helpers import content_version_operations

WATCHED = ("casereviews_publishedreport",)


class Migration(migrations.Migration):
    dependencies = [
        ("casereviews", "0005_case_referred_from"),
    ]

    operations = content_version_operations(
        model="PublishedListVersion",
        table="casereviews_publishedlistversion",
        name="published_list_version",
        watched=WATCHED,
    )
