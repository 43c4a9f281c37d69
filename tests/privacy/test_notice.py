"""The privacy notice is generated from the inventory and says what the seed notice promises."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from safeguarding.core.dates import day
from safeguarding.inventory import purposes
from safeguarding.inventory.purposes import Purpose
from safeguarding.inventory.taxonomy import LawfulBasis
from safeguarding.privacy.models import NoticeVersion
from safeguarding.privacy.notice.services import notice_publish

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


def reworded_staff_accounts() -> Purpose:
    return purposes.register(
        Purpose(
            key="staff_accounts",
            name="Running staff accounts, reworded",
            description="Changed wording.",
            data_use="essential.service.authentication",
            lawful_basis=LawfulBasis.PUBLIC_TASK,
        )
    )


@pytest.fixture
def reworded() -> Iterator[None]:
    """A release that changes what the notice says."""
    reworded_staff_accounts()
    yield
    purposes.register(purposes.STAFF_ACCOUNTS)


def test_the_notice_in_force_is_published_by_migrate() -> None:
    """Every release runs migrate before it serves pages (README)."""
    NoticeVersion.objects.all().delete()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert NoticeVersion.objects.count() == 1


def test_the_notice_is_versioned_and_a_release_makes_a_new_version(client: Client) -> None:
    first = notice_text(client)
    assert "Version 1, last changed on" in first
    assert NoticeVersion.objects.count() == 1

    reworded_staff_accounts()
    try:
        notice_publish()
        second = notice_text(client)
    finally:
        purposes.register(purposes.STAFF_ACCOUNTS)

    assert "Running staff accounts, reworded" in second
    assert "Version 2, last changed on" in second
    assert NoticeVersion.objects.count() == 2
    assert "Version 1, last changed on" in notice_text(client)  # the code went back


def test_reading_the_notice_writes_nothing_even_before_it_is_published(
    client: Client, reworded: None
) -> None:
    with CaptureQueriesContext(connection) as queries:
        text = notice_text(client)

    assert "Running staff accounts, reworded" in text
    assert "Version 2, last changed on" in text  # the version it will be
    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in queries)
    assert NoticeVersion.objects.count() == 1


def test_a_notice_published_after_it_was_shown_is_shown_with_its_record(
    client: Client, reworded: None, clock: time_machine.TimeMachineFixture
) -> None:
    shown, published_on = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=3)
    clock.move_to(shown)
    assert f"Version 2, last changed on {day(shown)}" in notice_text(client)
    clock.move_to(published_on)
    published = notice_publish()  # the release's migrate, two days later

    clock.move_to(published_on + timedelta(days=5))

    assert f"Version 2, last changed on {day(published.published_at)}" in notice_text(client)
    assert day(published.published_at) != day(shown)


def test_the_notice_names_no_fideslang_keys_to_the_public(client: Client) -> None:
    assert "user.contact" not in notice_text(client)
