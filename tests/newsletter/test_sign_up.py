"""The public sign-up, confirmation and manage pages."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from safeguarding.newsletter import tokens
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import (
    Consent,
    ConsentMethod,
    ConsentWording,
    Subscriber,
    Suppression,
    SuppressionReason,
    Topic,
)
from safeguarding.newsletter.services import consent_wording_change, subscriber_sign_up
from safeguarding.privacy.retention.engine import retention_sweep
from tests.newsletter.factories import confirmed_subscriber, topic
from tests.smtp import Mailbox, links

pytestmark = pytest.mark.django_db(transaction=True)  # mail is sent after commit

ADDRESS = "reader@example.net"


def sign_up(client: Client, email: str = ADDRESS, *slugs: str) -> int:
    data = {"topics": [topic(s).pk for s in slugs or ("newsletter",)], "email": email}
    return client.post("/newsletter/", data).status_code


def confirm_path(mailbox: Mailbox, email: str = ADDRESS) -> str:
    message = mailbox.to(email)[-1]
    url = next(u for u in links(message) if "/newsletter/confirm/" in u)
    return urlsplit(url).path


def test_the_form_shows_unticked_topics_and_the_consent_wording(client: Client) -> None:
    page = client.get("/newsletter/").content.decode()

    assert 'type="checkbox"' in page
    assert "checked" not in page
    assert ConsentWording.objects.get().text in page


def test_a_change_to_the_topics_or_the_wording_shows_on_the_next_visit() -> None:
    """The page is cached for anonymous visitors; any change to what it shows, however it is
    written (a new row, a bulk update, a delete), is on the very next request."""
    Client().get("/newsletter/")
    cached = Client().get("/newsletter/")
    assert not cached.templates  # type: ignore[attr-defined]  # served from the cache
    assert "Adult safeguarding bulletin" not in cached.content.decode()

    Topic.objects.create(slug="adults", name="Adult safeguarding bulletin", position=9)
    assert "Adult safeguarding bulletin" in Client().get("/newsletter/").content.decode()

    Topic.objects.filter(slug="adults").update(description="Monthly, for adult services")
    assert "Monthly, for adult services" in Client().get("/newsletter/").content.decode()

    Topic.objects.filter(slug="adults").delete()
    assert "Adult safeguarding bulletin" not in Client().get("/newsletter/").content.decode()

    latest = ConsentWording.objects.order_by("-version").first()
    assert latest is not None
    ConsentWording.objects.create(version=latest.version + 1, text="Newly agreed words.")
    assert "Newly agreed words." in Client().get("/newsletter/").content.decode()


def test_a_malformed_email_gets_a_clear_error_and_nothing_is_saved(client: Client) -> None:
    response = client.post("/newsletter/", {"topics": [topic().pk], "email": "not-an-address"})

    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_signing_up_without_a_topic_is_refused(client: Client) -> None:
    response = client.post("/newsletter/", {"email": ADDRESS})

    assert "Choose at least one thing" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_sign_up_records_unconfirmed_consent_with_the_wording_seen(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    sign_up(client, ADDRESS, "newsletter", "events")
    run_tasks()

    consents = Consent.objects.all()
    assert {c.topic.slug for c in consents} == {"newsletter", "events"}
    assert all(c.confirmed_at is None and c.method == ConsentMethod.WEB_FORM for c in consents)
    assert all(c.wording == ConsentWording.objects.get() for c in consents)
    assert len(smtp_server.to(ADDRESS)) == 1
    assert ADDRESS not in confirm_path(smtp_server)


def test_the_sign_up_form_is_rate_limited_per_address(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    statuses = []
    for _ in range(4):
        statuses.append(sign_up(client))
        run_tasks()  # as the worker would, between one request and the next

    assert statuses == [302, 302, 302, 429]
    assert len(smtp_server.to(ADDRESS)) == 3


def test_a_confirmation_superseded_before_it_was_sent_is_not_sent(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    sign_up(client)
    sign_up(client)  # replaces the first request's consents: its link could not work
    run_tasks()

    assert len(smtp_server.to(ADDRESS)) == 1
    assert client.post(confirm_path(smtp_server)).status_code in {200, 302}


def test_get_on_the_confirmation_link_changes_nothing_and_post_confirms(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    sign_up(client)
    run_tasks()
    path = confirm_path(smtp_server)

    assert "Confirm my subscription" in client.get(path).content.decode()
    assert not Consent.objects.filter(confirmed_at__isnull=False).exists()
    client.post(path)
    assert Consent.objects.get().confirmed_at is not None


def test_a_second_confirmation_says_so_and_changes_nothing(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    sign_up(client)
    run_tasks()
    path = confirm_path(smtp_server)
    client.post(path)
    confirmed_at = Consent.objects.get().confirmed_at

    response = client.post(path)

    assert "already confirmed" in response.content.decode()
    assert Consent.objects.get().confirmed_at == confirmed_at


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "xyz", lambda t: "nonsense"])
def test_a_forged_confirmation_link_gets_a_clear_page(
    client: Client, mangle: Callable[[str], str]
) -> None:
    subscriber = subscriber_sign_up(
        email=ADDRESS, name="", topics=[topic()], wording=ConsentWording.objects.get()
    )
    token = mangle(tokens.make(tokens.CONFIRM, subscriber, c=[1]))

    response = client.post(f"/newsletter/confirm/{token}/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert Consent.objects.get().confirmed_at is None


class SignerFromLastMonth(signing.TimestampSigner):
    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - 31 * 24 * 3600)


def test_an_expired_confirmation_link_says_so(client: Client) -> None:
    subscriber = subscriber_sign_up(
        email=ADDRESS, name="", topics=[topic()], wording=ConsentWording.objects.get()
    )
    payload = {"s": subscriber.pk, "h": subscriber.address_hash[:12], "c": [1]}
    token = SignerFromLastMonth(salt=f"safeguarding.links.{tokens.CONFIRM}").sign_object(
        payload, compress=True
    )

    response = client.post(f"/newsletter/confirm/{token}/")

    assert response.status_code == 400
    assert "expired" in response.content.decode()


def test_confirming_lifts_a_suppression(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    Suppression.objects.create(
        address_hash=address_hash(ADDRESS), reason=SuppressionReason.UNSUBSCRIBED
    )
    sign_up(client)
    run_tasks()

    client.post(confirm_path(smtp_server))

    assert not Suppression.objects.exists()


def test_typing_a_subscribers_address_does_not_change_their_details(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS)
    subscriber.name = "Real Name"
    subscriber.save()

    client.post("/newsletter/", {"topics": [topic().pk], "email": ADDRESS, "name": "Someone"})

    subscriber.refresh_from_db()
    assert subscriber.name == "Real Name"
    assert Consent.objects.get().confirmed_at is not None


def test_unconfirmed_sign_ups_are_deleted_after_seven_days() -> None:
    old = subscriber_sign_up(
        email="old@example.net", name="", topics=[topic()], wording=ConsentWording.objects.get()
    )
    Subscriber.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    Consent.objects.filter(subscriber=old).update(given_at=timezone.now() - timedelta(days=8))
    recent = subscriber_sign_up(
        email="new@example.net", name="", topics=[topic()], wording=ConsentWording.objects.get()
    )
    kept = confirmed_subscriber("kept@example.net")
    Subscriber.objects.filter(pk=kept.pk).update(created_at=timezone.now() - timedelta(days=90))

    retention_sweep()

    assert set(Subscriber.objects.values_list("pk", flat=True)) == {recent.pk, kept.pk}


def test_changing_the_wording_makes_a_new_version_and_old_evidence_keeps_the_old_one(
    make_user: Callable[..., object],
) -> None:
    subscriber = confirmed_subscriber(ADDRESS)
    first = ConsentWording.objects.get()

    second = consent_wording_change(text="New words.", actor=make_user())  # type: ignore[arg-type]

    assert second.version == first.version + 1
    assert subscriber.consents.get().wording == first


def test_the_manage_page_changes_topics_and_links_to_the_rights_pages(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS, "newsletter")
    path = f"/newsletter/manage/{tokens.make(tokens.MANAGE, subscriber)}/"

    page = client.get(path).content.decode()
    assert "/your-data/" in page
    client.post(path, {"topics": [topic("events").pk]})

    live = Consent.objects.filter(withdrawn_at__isnull=True)
    assert [c.topic.slug for c in live] == ["events"]
    assert Consent.objects.get(topic__slug="newsletter").withdrawn_at is not None


def test_unticking_everything_on_the_manage_page_leaves_only_the_hash(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS, "newsletter", "events")
    path = f"/newsletter/manage/{tokens.make(tokens.MANAGE, subscriber)}/"

    response = client.post(path, {})

    assert "You are unsubscribed" in response.content.decode()
    assert not Subscriber.objects.exists()
    assert not Consent.objects.exists()
    assert list(Suppression.objects.values_list("address_hash", flat=True)) == [
        address_hash(ADDRESS)
    ]
