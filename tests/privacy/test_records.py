"""The Article 30(2) record for the data protection lead, as HTML and CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.roles import Role
from safeguarding.privacy.notice.selectors import ART30_COLUMNS
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo_client(make_user) -> Client:
    client = Client()
    sign_in(client, make_user(Role.DATA_PROTECTION_LEAD))
    return client


def test_the_record_lists_each_purpose_with_controller_and_security_measures(
    dpo_client: Client,
) -> None:
    page = dpo_client.get(reverse("records:article_30")).content.decode()

    assert "Norfolk County Council" in page
    assert "Running staff accounts and keeping them secure" in page
    assert "Security measures (Article 32)" in page


def test_the_csv_has_a_row_per_purpose_in_use(dpo_client: Client) -> None:
    response = dpo_client.get(reverse("records:article_30_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert tuple(rows[0]) == ART30_COLUMNS
    purposes = {row[0] for row in rows[1:]}
    assert "Keeping records of who did what, for security and accountability" in purposes
    assert all(row[1] == "Norfolk County Council" for row in rows[1:])
