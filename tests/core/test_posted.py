"""An empty POST is still a submission: the form shows its errors instead of a blank form,
answered 400 like every refused form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.roles import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["retention:hold_place", "rights:log"])
def test_an_empty_post_shows_the_error_summary(client: Client, make_user, url_name: str) -> None:
    sign_in(client, make_user(Role.DATA_PROTECTION_LEAD))

    response = client.post(reverse(url_name), {})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
