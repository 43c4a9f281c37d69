"""P22/P23: the session cookie is a browser-session cookie; public pages set no cookies."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_the_session_cookie_expires_when_the_browser_closes(client: Client, colleague) -> None:
    sign_in(client, colleague)
    response = client.get(reverse("accounts:dashboard"))

    cookie = response.cookies["sessionid"]
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_public_pages_set_no_cookies(client: Client, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert dict(response.cookies) == {}
