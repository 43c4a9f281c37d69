"""A communications officer finds a subscriber without the address in any URL, sees their
topics, consent evidence and history, and does for them what they could do themselves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from safeguarding.audit.models import AuditEntry
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import Consent, Subscriber, Suppression
from safeguarding.privacy.models.rights import RequestKind, RequestStatus, RightsRequest
from tests.newsletter.factories import confirmed_subscriber, topic

pytestmark = pytest.mark.django_db

SEARCH = "/staff/newsletter/subscribers/"


def test_a_search_is_posted_and_the_results_come_back_without_the_address_in_the_url(
    officer_client: Client,
) -> None:
    confirmed_subscriber("sam.jones@example.org")
    confirmed_subscriber("alex.smith@example.org")

    response = officer_client.post(SEARCH, {"query": "sam.jones@"})

    assert response.status_code == 302
    assert response["Location"] == SEARCH
    page = officer_client.get(SEARCH).content.decode()
    assert "sam.jones@example.org" in page
    assert "alex.smith@example.org" not in page
    assert "1 subscriber found" in page


def test_a_search_finds_someone_by_part_of_their_name(officer_client: Client) -> None:
    subscriber = confirmed_subscriber("s@example.org")
    subscriber.name = "Sam Jones"
    subscriber.save()

    officer_client.post(SEARCH, {"query": "jones"})

    assert "s@example.org" in officer_client.get(SEARCH).content.decode()


def test_a_search_of_fewer_than_three_characters_is_refused_with_what_to_do(
    officer_client: Client,
) -> None:
    response = officer_client.post(SEARCH, {"query": "sa"})

    assert response.status_code == 400
    assert "Enter at least 3 characters" in response.content.decode()


def test_a_search_that_finds_nobody_says_so(officer_client: Client) -> None:
    officer_client.post(SEARCH, {"query": "nobody@example.org"})

    assert "No subscribers found" in officer_client.get(SEARCH).content.decode()


def test_the_subscriber_page_shows_topics_evidence_and_history_and_records_the_read(
    officer_client: Client,
) -> None:
    subscriber = confirmed_subscriber("sam@example.org", "newsletter", "events")
    consent = subscriber.consents.first()
    assert consent is not None
    consent.evidence = "Box file 3, form 17"
    consent.save()

    page = officer_client.get(f"{SEARCH}{subscriber.pk}/").content.decode()

    assert topic("events").name in page
    assert "Box file 3, form 17" in page
    assert "Version 1" in page
    assert AuditEntry.objects.filter(
        action="newsletter.subscriber.read", target_id=str(subscriber.pk)
    ).exists()


def test_an_officer_stops_a_topic_for_a_subscriber_with_a_reason(officer_client: Client) -> None:
    subscriber = confirmed_subscriber("sam@example.org", "newsletter", "events")

    response = officer_client.post(
        f"{SEARCH}{subscriber.pk}/topics/",
        {"keep": [topic("newsletter").pk], "reason": "Asked by phone"},
    )

    assert response.status_code == 302
    live = Consent.objects.filter(subscriber=subscriber, withdrawn_at__isnull=True)
    assert [c.topic.slug for c in live] == ["newsletter"]
    entry = AuditEntry.objects.get(action="newsletter.subscriber.topics_withdrawn")
    assert entry.reason == "Asked by phone"
    assert entry.actor is not None
    page = officer_client.get(f"{SEARCH}{subscriber.pk}/").content.decode()
    assert "Reason: Asked by phone" in page


def test_stopping_topics_needs_a_reason_and_at_least_one_kept(officer_client: Client) -> None:
    subscriber = confirmed_subscriber("sam@example.org", "newsletter", "events")

    response = officer_client.post(f"{SEARCH}{subscriber.pk}/topics/", {"keep": []})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Say why you are doing this for them" in page
    response = officer_client.post(
        f"{SEARCH}{subscriber.pk}/topics/", {"keep": [], "reason": "Asked"}
    )
    assert "unsubscribe them from everything instead" in response.content.decode()
    assert Consent.objects.filter(withdrawn_at__isnull=True).count() == 2


def test_an_officer_unsubscribes_someone_from_everything_with_a_reason(
    officer_client: Client,
) -> None:
    subscriber = confirmed_subscriber("sam@example.org")

    response = officer_client.post(
        f"{SEARCH}{subscriber.pk}/unsubscribe/", {"reason": "Asked by letter"}
    )

    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert Suppression.objects.filter(address_hash=address_hash("sam@example.org")).exists()
    entry = AuditEntry.objects.get(action="newsletter.subscriber.unsubscribed")
    assert entry.reason == "Asked by letter"
    assert entry.actor is not None


@pytest.mark.django_db(transaction=True)
def test_an_officer_starts_a_rights_request_the_subscriber_confirms_by_the_emailed_link(
    officer_client: Client, run_tasks: Callable[[], None], mailoutbox: list[Any]
) -> None:
    subscriber = confirmed_subscriber("sam@example.org", "newsletter")
    subscriber.name = "Sam Jones"
    subscriber.save()
    page = officer_client.get(f"{SEARCH}{subscriber.pk}/").content.decode()
    start = f"{SEARCH}{subscriber.pk}/your-data/"
    assert start in page
    form = officer_client.get(start).content.decode()
    assert "Sam Jones" in form
    assert "sam@example.org" in form

    empty = officer_client.post(start, {})
    assert empty.status_code == 400
    assert "Choose what they have asked for" in empty.content.decode()

    done = officer_client.post(start, {"kind": RequestKind.ERASURE}, follow=True)

    assert "We have emailed them a link to confirm the request" in done.content.decode()
    request = RightsRequest.objects.get()
    assert (request.kind, request.status) == (
        RequestKind.ERASURE,
        RequestStatus.AWAITING_CONFIRMATION,
    )
    assert (request.person.email, request.person.full_name) == ("sam@example.org", "Sam Jones")
    entry = AuditEntry.objects.get(action="privacy.rights_request.submitted")
    assert entry.actor is not None
    assert entry.details["started_by_staff"] is True
    run_tasks()
    [message] = [m for m in mailoutbox if m.to == ["sam@example.org"]]
    assert "/your-data/confirm/" in str(message.body)
