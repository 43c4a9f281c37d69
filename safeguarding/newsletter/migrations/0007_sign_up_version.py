"""The sign-up page's version: one row, raised by database triggers in the same transaction
as every change to the topics or the consent wording the page shows (``SignUpVersion``)."""

from django.db import migrations

from safeguarding.core.migrations_helpers import content_version_operations

WATCHED = ("newsletter_topic", "newsletter_consentwording")


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0006_campaign_creator_may_be_gone"),
    ]

    operations = content_version_operations(
        model="SignUpVersion",
        table="newsletter_signupversion",
        name="sign_up_version",
        watched=WATCHED,
    )
