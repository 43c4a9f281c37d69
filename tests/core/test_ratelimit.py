"""Public forms that send email refuse a flood, per recipient and per client address."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from safeguarding.core.ratelimit import Limit, over_limit
from safeguarding.privacy.models.rights import RightsRequest

LIMIT = Limit("test", per_address="3/h", per_client="5/h")


def _request(ip: str = "192.0.2.10") -> object:
    return RequestFactory().post("/", REMOTE_ADDR=ip)


def test_a_fourth_email_to_one_address_in_the_hour_is_refused() -> None:
    results = [over_limit(_request(), LIMIT, address="Someone@Example.org") for _ in range(4)]
    assert results == [False, False, False, True]


def test_the_address_is_compared_without_case_or_spaces() -> None:
    for spelling in ("a@example.org", "A@EXAMPLE.ORG", " a@example.org "):
        assert not over_limit(_request(), LIMIT, address=spelling)
    assert over_limit(_request(), LIMIT, address="a@Example.org")


def test_one_client_cannot_send_to_many_addresses() -> None:
    results = [over_limit(_request(), LIMIT, address=f"p{n}@example.org") for n in range(6)]
    assert results == [False] * 5 + [True]
    assert not over_limit(_request("198.51.100.7"), LIMIT, address="other@example.org")


def test_no_address_is_stored_in_the_cache() -> None:
    over_limit(_request(), LIMIT, address="private.person@example.org")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  (LocMemCache in tests)
    assert keys
    assert not any("private.person" in str(key) for key in keys)


@pytest.mark.django_db
def test_the_rights_request_form_answers_429_with_a_readable_error(client: Client) -> None:
    form = {
        "email": "flooded@example.org",
        "full_name": "Flood Target",
        "kind": "access",
        "details": "",
        "declaration": "on",
    }
    for _ in range(3):
        assert client.post(reverse("your_data:request"), form).status_code == 302
    sent = len(mail.outbox)
    requests = RightsRequest.objects.count()

    response = client.post(reverse("your_data:request"), form)

    assert response.status_code == 429
    assert b"too many times" in response.content
    assert b"govuk-error-summary" in response.content
    assert RightsRequest.objects.count() == requests
    assert len(mail.outbox) == sent


@pytest.mark.django_db
def test_the_security_questions_form_answers_429_with_a_readable_error(client: Client) -> None:
    form = {"email": "flooded@example.org"}
    for _ in range(3):
        assert client.post(reverse("security_questions:request"), form).status_code == 302
    sent = len(mail.outbox)

    response = client.post(reverse("security_questions:request"), form)

    assert response.status_code == 429
    assert b"too many times" in response.content
    assert len(mail.outbox) == sent
