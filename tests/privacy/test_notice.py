"""The privacy notice is generated from the inventory and says what the seed notice promises."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safeguarding.inventory import purposes
from safeguarding.inventory.purposes import Purpose
from safeguarding.inventory.taxonomy import LawfulBasis
from safeguarding.privacy.models import NoticeVersion

pytestmark = pytest.mark.django_db


def notice_text(client: Client) -> str:
    response = client.get("/privacy/")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_notice_lists_every_purpose_in_use_with_basis_and_retention(client: Client) -> None:
    text = notice_text(client)

    assert "Running staff accounts and keeping them secure" in text
    assert "6(1)(e) public task" in text
    assert "2 years after the account is disabled" in text


@pytest.mark.parametrize(
    ("promise", "words"),
    [
        ("P01", "only collect personal information that is necessary"),
        ("P05", "a lack of agreement must never be a reason not to share"),
        (
            "P06",
            "never share personal information with any other organisation for third-party",
        ),
        ("P07", "when a court orders it or to protect someone from immediate harm"),
        ("P08", "for the set period above afterwards"),
        ("P09", "nscp@example.org"),
        ("P10", "strictly need-to-know basis"),
        ("P11", "security questions to confirm your identity when you call us"),
        (
            "P12",
            "prior written authorisation to do so, or a clear verbal instruction for a single",
        ),
        (
            "P13",
            "data processor. We are hosted by Norfolk County Council, which is the data controller",
        ),
        ("P14", "contact your own safeguarding lead"),
        ("P15", "not subject to Freedom of Information requests"),
        ("P24", "None of our cookies collect or pass on your personal information for advertising"),
    ],
)
def test_the_notice_makes_each_promise(client: Client, promise: str, words: str) -> None:
    assert words in notice_text(client)


def test_the_notice_is_versioned_and_a_change_makes_a_new_version(client: Client) -> None:
    client.get("/privacy/")
    client.get("/privacy/")
    assert NoticeVersion.objects.count() == 1
    first = notice_text(client)
    assert "Version 1, last changed on" in first

    purposes.register(
        Purpose(
            key="staff_accounts",
            name="Running staff accounts, reworded",
            description="Changed wording.",
            data_use="essential.service.authentication",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
        )
    )
    try:
        second = notice_text(client)
    finally:
        purposes.register(purposes.STAFF_ACCOUNTS)

    assert "Version 2, last changed on" in second
    assert NoticeVersion.objects.count() == 2


def test_the_notice_names_no_fideslang_keys_to_the_public(client: Client) -> None:
    assert "user.contact" not in notice_text(client)
