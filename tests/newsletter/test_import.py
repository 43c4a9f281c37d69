"""Importing a list: only rows with consent evidence; bad files change nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import (
    Consent,
    ConsentMethod,
    Subscriber,
    Suppression,
    SuppressionReason,
)
from tests.conftest import sign_in
from tests.newsletter.factories import ensure_defaults

pytestmark = pytest.mark.django_db

HEADER = "email,name,topics,consent_date,consent_method,consent_evidence\n"


@pytest.fixture
def officer_client(make_user: Callable[..., User]) -> Client:
    ensure_defaults()
    client = Client()
    sign_in(client, make_user(Role.COMMUNICATIONS_OFFICER))
    return client


def upload(client: Client, content: bytes) -> str:
    response = client.post(
        "/staff/newsletter/import/",
        {"file": SimpleUploadedFile("list.csv", content, content_type="text/csv")},
    )
    return str(response.content.decode())


def test_rows_with_evidence_are_imported_and_the_rest_reported(officer_client: Client) -> None:
    Suppression.objects.create(
        address_hash=address_hash("left@example.net"), reason=SuppressionReason.UNSUBSCRIBED
    )
    page = upload(
        officer_client,
        (
            HEADER
            + "one@example.net,One,newsletter events,2025-03-01,paper,Form box 4\n"
            + "two@example.net,Two,newsletter,2025-03-01,import,\n"
            + "left@example.net,,newsletter,2025-03-01,paper,Form box 5\n"
            + "bad-address,,newsletter,2025-03-01,paper,Form box 6\n"
            + "three@example.net,,nosuchtopic,2025-03-01,paper,Form box 7\n"
        ).encode(),
    )

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["one@example.net"]
    consents = Consent.objects.all()
    assert {c.topic.slug for c in consents} == {"newsletter", "events"}
    assert all(c.method == ConsentMethod.PAPER and c.evidence == "Form box 4" for c in consents)
    assert "4 rows rejected" in page
    assert "no consent evidence" in page
    assert "only they can sign up again" in page


def test_a_file_that_is_not_utf8_is_refused_whole(officer_client: Client) -> None:
    page = upload(
        officer_client,
        (HEADER + "caf\xe9@example.net,Café,newsletter,2025-03-01,paper,Form\n").encode("latin-1"),
    )

    assert "The file is not UTF-8 text" in page
    assert not Subscriber.objects.exists()


def test_a_file_with_missing_columns_is_refused_whole(officer_client: Client) -> None:
    page = upload(officer_client, b"email,name\none@example.net,One\n")

    assert "no column named topics, consent_date, consent_method, consent_evidence" in page
    assert not Subscriber.objects.exists()
