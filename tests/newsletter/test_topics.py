"""Topics as the communications officer configures them: add, rename, reorder, retire, offer
again. Retiring ends every consent to the topic, and the retention sweep then deletes people
left with no topic."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.newsletter import sending
from safeguarding.newsletter.models import CampaignState, Consent, Subscriber, Topic
from safeguarding.newsletter.topics import (
    topic_reinstate,
    topic_retire,
    topics_for_staff,
)
from safeguarding.privacy.models.retention import RetentionSetting
from safeguarding.privacy.retention.engine import retention_sweep
from tests.newsletter.factories import campaign, confirmed_subscriber, topic

pytestmark = pytest.mark.django_db


def sign_up_page(client: Client) -> str:
    return client.get("/newsletter/").content.decode()


def test_the_topics_page_lists_every_topic_with_its_code_and_subscriber_count(
    officer_client: Client,
) -> None:
    confirmed_subscriber("a@example.net", "newsletter", "events")
    confirmed_subscriber("b@example.net", "events")

    page = officer_client.get("/staff/newsletter/topics/").content.decode()

    assert "Events and campaigns" in page
    assert "<code>events</code>" in page
    counts = {t.slug: t.subscribers for t in topics_for_staff()}
    assert counts == {"newsletter": 1, "events": 2, "learning": 0}


def test_an_added_topic_is_offered_unticked_on_the_sign_up_form_and_audited(
    officer_client: Client, client: Client
) -> None:
    response = officer_client.post(
        "/staff/newsletter/topics/new/",
        {"name": "Parents' bulletin", "description": "For parents and carers, each term."},
    )

    assert response.status_code == 302
    added = Topic.objects.get(name="Parents' bulletin")
    assert added.slug == "parents-bulletin"
    assert added.is_active
    assert added.position > Topic.objects.exclude(pk=added.pk).order_by("-position")[0].position
    page = sign_up_page(client)
    assert "Parents&#x27; bulletin" in page
    assert f'value="{added.pk}" checked' not in page
    entry = AuditEntry.objects.get(action="newsletter.topic.added")
    assert entry.details == {"slug": "parents-bulletin", "name": "Parents' bulletin"}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the topic&#x27;s name"),
        ({"name": "x" * 121}, "name", "120 characters or fewer"),
        ({"name": "Briefings", "slug": "no spaces!"}, "slug", "letters, numbers and hyphens"),
        ({"name": "Briefings", "slug": "events"}, "slug", "already exists"),
        ({"name": "events AND campaigns"}, "name", "Another topic people can sign up to"),
        ({"name": "!!!"}, "slug", "Enter a code made of letters"),
    ],
)
def test_a_topic_that_cannot_be_added_gets_a_clear_error_and_nothing_is_saved(
    officer_client: Client, data: dict[str, str], field: str, message: str
) -> None:
    before = Topic.objects.count()

    response = officer_client.post("/staff/newsletter/topics/new/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert Topic.objects.count() == before


def test_renaming_keeps_every_subscription_and_audits_the_old_and_new_names(
    officer_client: Client, client: Client
) -> None:
    subscriber = confirmed_subscriber("a@example.net", "learning")
    learning = topic("learning")
    was_at = learning.position

    response = officer_client.post(
        f"/staff/newsletter/topics/{learning.pk}/",
        {"name": "Training news", "description": "Courses and resources.", "position": "7"},
    )

    assert response.status_code == 302
    learning.refresh_from_db()
    assert (learning.name, learning.slug, learning.position) == ("Training news", "learning", 7)
    assert subscriber.consents.get().topic == learning
    assert subscriber.consents.get().withdrawn_at is None
    assert "Training news" in sign_up_page(client)
    entry = AuditEntry.objects.get(action="newsletter.topic.changed")
    assert entry.details["changed"]["name"] == ["Learning and development news", "Training news"]
    assert entry.details["changed"]["position"] == [was_at, 7]


def test_a_rename_to_another_offered_topics_name_is_refused(officer_client: Client) -> None:
    learning = topic("learning")

    response = officer_client.post(
        f"/staff/newsletter/topics/{learning.pk}/",
        {"name": "NSCP Newsletter", "description": "", "position": "1"},
    )

    assert response.status_code == 400
    assert "Another topic people can sign up to has this name" in response.content.decode()
    learning.refresh_from_db()
    assert learning.name == "Learning and development news"


def test_the_retire_page_says_what_would_happen_and_changes_nothing(
    officer_client: Client,
) -> None:
    confirmed_subscriber("both@example.net", "events", "newsletter")
    confirmed_subscriber("only@example.net", "events")
    events = topic("events")

    page = officer_client.get(f"/staff/newsletter/topics/{events.pk}/retire/").content.decode()

    assert "2 subscriptions to it will end" in page
    assert "1 of them has no other topic" in page
    events.refresh_from_db()
    assert events.is_active
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 3


def test_retiring_ends_every_subscription_hides_the_topic_and_the_sweep_deletes_the_topicless(
    officer_client: Client, client: Client
) -> None:
    both = confirmed_subscriber("both@example.net", "events", "newsletter")
    only = confirmed_subscriber("only@example.net", "events")
    events = topic("events")

    response = officer_client.post(f"/staff/newsletter/topics/{events.pk}/retire/")

    assert response.status_code == 302
    events.refresh_from_db()
    assert not events.is_active
    assert not Consent.objects.filter(topic=events, withdrawn_at__isnull=True).exists()
    assert "Events and campaigns" not in sign_up_page(client)
    assert AuditEntry.objects.get(action="newsletter.topic.retired").details == {
        "slug": "events",
        "consents_ended": 2,
    }

    retention_sweep(now=timezone.now() + timedelta(days=6))
    assert Subscriber.objects.filter(pk=only.pk).exists()

    retention_sweep(now=timezone.now() + timedelta(days=8))
    assert not Subscriber.objects.filter(pk=only.pk).exists()
    assert Subscriber.objects.filter(pk=both.pk).exists()
    assert list(both.consents.values_list("topic__slug", flat=True)) == ["newsletter"]


def test_a_subscriber_whose_consent_records_are_already_gone_is_still_deleted() -> None:
    """No consent left at all: the period runs from the confirmation."""
    stranded = confirmed_subscriber("stranded@example.net")
    stranded.consents.all().delete()
    Subscriber.objects.filter(pk=stranded.pk).update(
        confirmed_at=timezone.now() - timedelta(days=30)
    )

    retention_sweep()

    assert not Subscriber.objects.filter(pk=stranded.pk).exists()


def test_a_period_set_under_the_rules_old_name_still_applies() -> None:
    RetentionSetting.objects.create(rule_key="newsletter_unconfirmed", days=30, reason="Policy")
    migration = "safeguarding.newsletter.migrations.0003_rename_subscriber_retention_rule"

    import_module(migration).rename(apps, None)

    assert RetentionSetting.objects.get().rule_key == "newsletter_subscriber"


@pytest.mark.parametrize(
    "state", [CampaignState.SCHEDULED, CampaignState.SENDING, CampaignState.PAUSED]
)
def test_a_topic_cannot_be_retired_while_a_campaign_for_it_is_under_way(
    officer_client: Client, state: CampaignState
) -> None:
    confirmed_subscriber("a@example.net", "events")
    under_way = campaign(subject="Spring events", topics=["events"])
    under_way.state = state
    under_way.save()
    events = topic("events")

    page = officer_client.get(f"/staff/newsletter/topics/{events.pk}/retire/").content.decode()
    response = officer_client.post(f"/staff/newsletter/topics/{events.pk}/retire/", follow=True)

    assert "You cannot retire this topic yet" in page
    assert "Spring events" in response.content.decode()
    events.refresh_from_db()
    assert events.is_active
    assert Consent.objects.get().withdrawn_at is None


def test_a_draft_for_a_retired_topic_cannot_be_sent(officer: User) -> None:
    confirmed_subscriber("a@example.net", "events")
    draft = campaign(topics=["events"])
    topic_retire(actor=officer, topic_id=topic("events").pk)

    with pytest.raises(ValidationError, match="has been retired"):
        sending.campaign_start(campaign_id=draft.pk, actor=officer)
    draft.refresh_from_db()
    assert draft.state == CampaignState.DRAFT


def test_a_retired_topic_cannot_be_chosen_on_the_sign_up_form(client: Client) -> None:
    events = topic("events")
    Topic.objects.filter(pk=events.pk).update(is_active=False)

    response = client.post("/newsletter/", {"topics": [events.pk], "email": "someone@example.net"})

    assert response.status_code == 400
    assert "Choose from the list" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_offering_a_retired_topic_again_brings_nobody_back(
    officer: User, officer_client: Client
) -> None:
    confirmed_subscriber("a@example.net", "events", "newsletter")
    events = topic("events")
    topic_retire(actor=officer, topic_id=events.pk)

    response = officer_client.post(f"/staff/newsletter/topics/{events.pk}/reinstate/")

    assert response.status_code == 302
    events.refresh_from_db()
    assert events.is_active
    assert not Consent.objects.filter(topic=events, withdrawn_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="newsletter.topic.reinstated").count() == 1


def test_retiring_twice_or_offering_an_offered_topic_again_is_refused(officer: User) -> None:
    events = topic("events")
    with pytest.raises(ValidationError, match="already offered"):
        topic_reinstate(actor=officer, topic_id=events.pk)
    topic_retire(actor=officer, topic_id=events.pk)
    with pytest.raises(ValidationError, match="already retired"):
        topic_retire(actor=officer, topic_id=events.pk)


def test_with_every_topic_retired_the_sign_up_page_says_there_is_nothing_to_join(
    client: Client,
) -> None:
    Topic.objects.update(is_active=False)

    page = sign_up_page(client)

    assert "There is nothing to sign up to at the moment" in page
    assert 'type="checkbox"' not in page
