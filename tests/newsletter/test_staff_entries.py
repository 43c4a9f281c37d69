"""Paper sign-up forms entered by staff, and changing the consent wording."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from safeguarding.newsletter.addresses import address_hash
from safeguarding.newsletter.models import (
    Consent,
    ConsentMethod,
    ConsentWording,
    Subscriber,
    Suppression,
    SuppressionReason,
)
from tests.date_input import date_boxes
from tests.newsletter.factories import campaign, confirmed_subscriber, topic

pytestmark = pytest.mark.django_db


def paper_form(email: str, evidence: str = "Box file 3, form 17") -> dict[str, object]:
    return {
        "email": email,
        "topics": [topic("learning").pk],
        **date_boxes("given_on", date(2026, 1, 15)),
        "evidence": evidence,
    }


def test_a_paper_form_is_recorded_with_its_evidence_and_who_entered_it(
    officer_client: Client,
) -> None:
    response = officer_client.post("/staff/newsletter/paper-form/", paper_form("p@example.net"))

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.method == ConsentMethod.PAPER
    assert consent.evidence == "Box file 3, form 17"
    assert consent.recorded_by is not None
    assert consent.confirmed_at is not None


def test_a_paper_form_without_evidence_records_nothing(officer_client: Client) -> None:
    response = officer_client.post(
        "/staff/newsletter/paper-form/", paper_form("p@example.net", evidence="")
    )

    assert response.status_code == 400
    assert "Say where the signed form is kept" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_paper_form_cannot_resubscribe_a_suppressed_address(officer_client: Client) -> None:
    Suppression.objects.create(
        address_hash=address_hash("left@example.net"), reason=SuppressionReason.UNSUBSCRIBED
    )

    response = officer_client.post("/staff/newsletter/paper-form/", paper_form("left@example.net"))

    assert "Only the person can sign up again" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_saving_new_wording_makes_a_new_version_used_by_the_form(officer_client: Client) -> None:
    subscriber = confirmed_subscriber("reader@example.net")
    first = ConsentWording.objects.get()

    officer_client.post("/staff/newsletter/wording/", {"text": "Newer words about consent."})

    latest = ConsentWording.objects.order_by("-version").first()
    assert latest is not None
    assert latest.version == first.version + 1
    assert "Newer words about consent." in Client().get("/newsletter/").content.decode()
    assert subscriber.consents.get().wording == first


def test_a_draft_whose_writer_has_gone_can_still_be_edited(officer_client: Client) -> None:
    """Found by tests/core/test_forms_fuzz.py: ``created_by`` is emptied when the writer's
    account is deleted, and saving the draft then failed the model's check (a server error)."""
    draft = campaign()
    assert draft.created_by is None

    response = officer_client.post(
        f"/staff/newsletter/{draft.pk}/edit/",
        {"subject": "Spring news", "body_markdown": "News.", "topics": [topic().pk]},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.subject == "Spring news"


def test_a_draft_that_started_sending_meanwhile_is_not_saved(officer_client: Client) -> None:
    """The edit page checked the state; the save checks it again under a lock. A campaign that
    started sending in between gets the form back with the reason, not a server error."""
    draft = campaign()
    data = {"subject": "Spring news", "body_markdown": "News.", "topics": [topic().pk]}
    started = ValidationError("A campaign that has started sending cannot be changed.")

    with mock.patch("safeguarding.newsletter.campaigns.campaign_save", side_effect=started):
        response = officer_client.post(f"/staff/newsletter/{draft.pk}/edit/", data)

    assert response.status_code == 400
    assert "started sending cannot be changed" in response.content.decode()
