from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts import navigation
from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ALL_TOOLS = navigation.all_tools()


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


def test_a_cdop_coordinator_sees_child_death_reviews(client: Client, make_user) -> None:
    sign_in(client, make_user(Role.CDOP_COORDINATOR))
    page = tools_on_dashboard(client)

    assert f'href="{reverse("cdop:dashboard")}"' in page
    assert "Your child death review workspace will be here" not in page


def test_once_an_app_gives_the_role_a_tool_the_tool_shows_instead_of_the_sentence(
    client: Client, make_user, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = StaffTool(
        "Case reviews",
        "accounts:dashboard",
        "The reviews you are a member of.",
        (Role.REVIEW_PANEL_MEMBER,),
    )
    monkeypatch.setattr(navigation, "all_tools", lambda: (*ALL_TOOLS, workspace))
    sign_in(client, make_user(Role.REVIEW_PANEL_MEMBER))

    page = tools_on_dashboard(client)

    assert "Case reviews" in page
    assert "Your case review workspace will be here" not in page


def _navigation(page: str) -> str:
    return page.split('<ul class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]


def test_every_staff_page_shows_the_tools_of_the_signed_in_role_with_the_current_one_marked(
    client: Client, make_user
) -> None:
    sign_in(client, make_user(Role.COMMUNICATIONS_OFFICER))

    menu = _navigation(client.get(reverse("newsletter:subscribers")).content.decode())

    assert f'href="{reverse("newsletter:campaigns")}"' in menu
    assert f'href="{reverse("identity:find")}"' in menu
    assert f'href="{reverse("rights:queue")}"' not in menu
    current = menu.split("govuk-service-navigation__item--active", 1)[1].split("</li>", 1)[0]
    assert "Subscribers" in current
    assert menu.count("govuk-service-navigation__item--active") == 1


def test_public_pages_have_no_staff_navigation(client: Client, make_user) -> None:
    sign_in(client, make_user(Role.COMMUNICATIONS_OFFICER))

    assert "govuk-service-navigation__list" not in client.get("/").content.decode()
