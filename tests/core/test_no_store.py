"""Pages that a secret in their address opens (an emailed link, a certificate's code), and every
download, are never stored by a browser or a proxy: Cache-Control: no-store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter

from safeguarding.core.middleware import SECRET_URL_ARGUMENTS
from safeguarding.training.models import Attendance
from tests.training.test_certificates import closed_session_with, token_for

pytestmark = pytest.mark.django_db


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


SECRET_ADDRESSES = sorted(
    (name, pattern)
    for name, pattern in _patterns(get_resolver())
    if not SECRET_URL_ARGUMENTS.isdisjoint(pattern.pattern.converters)
)


def test_there_are_pages_opened_by_a_secret_in_the_address() -> None:
    names = {name for name, _ in SECRET_ADDRESSES}
    assert {"your_data:confirm", "newsletter:manage", "training:verify"} <= names


@pytest.mark.parametrize(
    ("name", "pattern"), SECRET_ADDRESSES, ids=[n for n, _ in SECRET_ADDRESSES]
)
def test_a_page_opened_by_a_secret_in_its_address_is_not_stored(
    client: Client, name: str, pattern: URLPattern
) -> None:
    kwargs = {
        key: 1 if isinstance(converter, IntConverter) else "not-a-real-secret"
        for key, converter in pattern.pattern.converters.items()
    }

    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code < 500
    assert response["Cache-Control"] == "no-store"


def test_a_certificate_download_is_not_stored(client: Client) -> None:
    booking = closed_session_with(Attendance.PRESENT)

    response = client.get(reverse("training:certificate", args=[token_for(booking), booking.pk]))

    assert response["Content-Disposition"].startswith("attachment")
    assert response["Cache-Control"] == "no-store"
