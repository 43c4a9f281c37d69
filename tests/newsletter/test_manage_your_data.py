"""A subscriber asks for a copy or erasure of their data from the manage page. It goes through
the privacy engine's rights requests: confirmed by the link emailed to the address, then the
engine's export or erasure."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.test import Client

from safeguarding.newsletter import tokens
from safeguarding.newsletter.models import Subscriber
from safeguarding.privacy.models.rights import (
    RequestChannel,
    RequestKind,
    RequestStatus,
    RightsRequest,
)
from tests.newsletter.factories import confirmed_subscriber
from tests.smtp import Mailbox, links

pytestmark = pytest.mark.django_db(transaction=True)  # mail is sent after commit

ADDRESS = "reader@example.net"


def data_path(subscriber: Subscriber) -> str:
    return f"/newsletter/manage/{tokens.make(tokens.MANAGE, subscriber)}/your-data/"


@pytest.mark.parametrize("kind", [RequestKind.ACCESS, RequestKind.ERASURE])
def test_the_manage_page_starts_a_rights_request_confirmed_by_the_emailed_link(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None], kind: RequestKind
) -> None:
    subscriber = confirmed_subscriber(ADDRESS, "newsletter")
    manage_page = client.get(
        f"/newsletter/manage/{tokens.make(tokens.MANAGE, subscriber)}/"
    ).content.decode()
    assert 'action="/newsletter/manage/' in manage_page

    response = client.post(data_path(subscriber), {"kind": kind.value})
    run_tasks()

    assert response.status_code == 302
    assert response["Location"] == "/your-data/request/check-your-email/"
    request = RightsRequest.objects.get()
    assert (request.kind, request.channel) == (kind.value, RequestChannel.WEB)
    assert request.status == RequestStatus.AWAITING_CONFIRMATION
    assert request.person.email == ADDRESS
    assert "Asked from the newsletter" in request.details
    confirm = next(u for u in links(smtp_server.to(ADDRESS)[-1]) if "/your-data/" in u)
    client.post(urlsplit(confirm).path)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()  # nothing erased before staff act


def test_choosing_nothing_gets_a_clear_error_and_starts_nothing(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS)

    response = client.post(data_path(subscriber), {})

    assert response.status_code == 400
    assert "Choose what you would like us to do" in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_a_forged_link_starts_nothing(client: Client) -> None:
    response = client.post("/newsletter/manage/forged/your-data/", {"kind": "access"})

    assert response.status_code == 400
    assert not RightsRequest.objects.exists()


def test_a_gone_subscriber_starts_nothing(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS)
    path = data_path(subscriber)
    subscriber.delete()

    response = client.post(path, {"kind": "access"})

    assert "You are unsubscribed" in response.content.decode()
    assert not RightsRequest.objects.exists()


def test_a_get_starts_nothing(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS)

    response = client.get(data_path(subscriber))

    assert response.status_code == 405
    assert not RightsRequest.objects.exists()


def test_requests_share_the_your_data_forms_limit(client: Client) -> None:
    subscriber = confirmed_subscriber(ADDRESS)
    path = data_path(subscriber)

    statuses = [client.post(path, {"kind": "access"}).status_code for _ in range(3)]
    from_the_form = client.post(
        "/your-data/request/",
        {"email": ADDRESS, "kind": "access", "declaration": "on"},
    )

    assert statuses == [302, 302, 302]
    assert from_the_form.status_code == 429
    assert client.post(path, {"kind": "access"}).status_code == 429
    assert RightsRequest.objects.count() == 3
