"""No anonymous POST to any URL gives a server error: a visitor (or a scanner) posting empty or
junk data anywhere gets a 4xx page, a redirect or the form again, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from tests.core.test_no_store import _patterns

pytestmark = pytest.mark.django_db

ALL_URLS = sorted(
    ((name, pattern) for name, pattern in _patterns(get_resolver())),
    key=lambda item: item[0],
)
JUNK = {
    "email": "not an address\r\nBcc: x@example.org",
    "token": "x" * 5000,
    "pk": "-1",
    "answers": "\x00",
    "when": "later",
    "scheduled_for_0": "99",
    "scheduled_for_1": "99",
    "scheduled_for_2": "9999",
    "scheduled_for_3": "99:99",
}


def _url(pattern: URLPattern, name: str) -> str:
    kwargs = {
        key: 1
        if isinstance(converter, IntConverter)
        else "00000000-0000-4000-8000-000000000000"
        if isinstance(converter, UUIDConverter)
        else "not-a-real-secret"
        for key, converter in pattern.pattern.converters.items()
    }
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "pattern"), ALL_URLS, ids=[name for name, _ in ALL_URLS])
@pytest.mark.parametrize("data", [{}, JUNK], ids=["empty", "junk"])
def test_an_anonymous_post_never_gives_a_server_error(
    name: str, pattern: URLPattern, data: dict[str, str]
) -> None:
    client = Client(raise_request_exception=False)

    response = client.post(_url(pattern, name), data)

    assert response.status_code < 500, f"{name}: {response.status_code}"
