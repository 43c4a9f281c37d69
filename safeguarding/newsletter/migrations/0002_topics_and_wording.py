"""The starting topics and the first consent wording; staff change them later."""

from django.db import migrations

TOPICS = (
    ("newsletter", "NSCP newsletter", "News and guidance from the partnership, about monthly."),
    ("learning", "Learning and development news", "New courses, sessions and resources."),
    ("events", "Events and campaigns", "Conferences, briefings and awareness campaigns."),
)

WORDING = (
    "I would like to receive the emails I have ticked from the safeguarding partnership. "
    "I can unsubscribe at any time using the link in every email, and my details will only "
    "be used to send me these emails."
)


def create(apps, schema_editor):
    Topic = apps.get_model("newsletter", "Topic")
    ConsentWording = apps.get_model("newsletter", "ConsentWording")
    for position, (slug, name, description) in enumerate(TOPICS):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )
    if not ConsentWording.objects.exists():
        ConsentWording.objects.create(version=1, text=WORDING)


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
