"""The accessibility statement, in the format UK public sector bodies publish, from settings."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

REQUIRED_SECTIONS = [
    "How accessible this website is",
    "Feedback and contact information",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Technical information about this website\N{RIGHT SINGLE QUOTATION MARK}s accessibility",
    "Compliance status",
    "Preparation of this accessibility statement",
]


def statement(client: Client) -> str:
    return client.get("/accessibility/").content.decode()


def test_the_statement_has_every_required_section(client: Client) -> None:
    content = statement(client)

    for section in REQUIRED_SECTIONS:
        assert section in content, section


def test_dates_contacts_and_compliance_come_from_the_settings(client: Client, settings) -> None:
    settings.ACCESSIBILITY = {
        **settings.ACCESSIBILITY,
        "prepared": date(2026, 1, 5),
        "reviewed": date(2026, 6, 7),
        "last_tested": date(2026, 5, 1),
        "contact_email": "access@example.org",
        "contact_phone": "01234 567890",
        "compliance": "full",
    }

    content = statement(client)

    assert "prepared on 5 January 2026" in content
    assert "last reviewed on 7 June 2026" in content
    assert "last tested on 1 May 2026" in content
    assert 'href="mailto:access@example.org"' in content
    assert "call 01234 567890" in content
    assert "fully compliant" in content
    assert "Non-accessible content" not in content


def test_a_partially_compliant_site_lists_what_is_not_accessible(client: Client, settings) -> None:
    settings.ACCESSIBILITY = {**settings.ACCESSIBILITY, "compliance": "partial"}

    content = statement(client)

    assert "partially compliant" in content
    assert "Non-accessible content" in content
