from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.roles import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def tools_on_dashboard(client: Client) -> str:
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_data_protection_lead_sees_the_privacy_tools(client: Client, make_user) -> None:
    sign_in(client, make_user(Role.DATA_PROTECTION_LEAD))
    page = tools_on_dashboard(client)

    for url in (
        "rights:queue",
        "retention:overview",
        "disclosures:disclosures",
        "records:article_30",
        "identity:find",
    ):
        assert f'href="{reverse(url)}"' in page
    assert f'href="{reverse("accounts:people")}"' not in page


def test_a_training_coordinator_sees_only_the_caller_check(client: Client, make_user) -> None:
    sign_in(client, make_user(Role.TRAINING_COORDINATOR))
    page = tools_on_dashboard(client)

    assert f'href="{reverse("identity:find")}"' in page
    assert f'href="{reverse("rights:queue")}"' not in page


def test_a_review_panel_member_sees_only_case_reviews(client: Client, make_user) -> None:
    sign_in(client, make_user(Role.REVIEW_PANEL_MEMBER))
    page = tools_on_dashboard(client)

    assert f'href="{reverse("casereviews:staff_home")}"' in page
    assert f'href="{reverse("identity:find")}"' not in page
