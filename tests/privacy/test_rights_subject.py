"""Staff log a request made for someone else: a child, or another adult."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.rights import RequestSubject, RightsRequest
from tests.date_input import date_boxes

LOG = {
    "email": "parent@example.org",
    "full_name": "Pat Parent",
    "kind": "access",
    "channel": "letter",
    "details": "Everything you hold about my son",
    "identity_note": "Copy of a passport with the letter",
}


def _today() -> dict[str, str]:
    return date_boxes("received_on", timezone.localdate())


@pytest.mark.django_db
def test_the_lead_logs_a_parents_request_for_their_child(lead_client: Client) -> None:
    response = lead_client.post(
        reverse("rights:log"),
        {
            **LOG,
            **_today(),
            "subject": "child",
            "subject_authority": "Parental responsibility: birth certificate seen",
            "subject_name": "Alex Smith",
            "subject_date_of_birth_0": "27",
            "subject_date_of_birth_1": "3",
            "subject_date_of_birth_2": "2015",
            "subject_nhs_number": "943 476 5919",
        },
    )

    assert response.status_code == 302
    request = RightsRequest.objects.get()
    assert request.subject == RequestSubject.CHILD
    assert request.person.email == "parent@example.org"
    assert request.subject_nhs_number == "9434765919"
    entry = AuditEntry.objects.get(action="privacy.rights_request.logged")
    assert entry.details["subject"] == "child"
    assert "Alex" not in str(entry.details)
    detail = lead_client.get(reverse("rights:detail", args=[request.pk])).content.decode()
    assert "On behalf of: The child Alex Smith, born 27 March 2015, NHS number given." in detail
    assert "9434765919" not in detail


@pytest.mark.django_db
def test_a_request_for_a_child_without_enough_to_find_them_is_refused(
    lead_client: Client,
) -> None:
    response = lead_client.post(reverse("rights:log"), {**LOG, **_today(), "subject": "child"})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the requester&#x27;s authority to act for them" in page
    assert "Enter the child&#x27;s full name" in page
    assert "Enter the child&#x27;s date of birth or NHS number" in page
    assert not RightsRequest.objects.exists()


@pytest.mark.django_db
def test_a_request_with_no_subject_chosen_is_the_requesters_own(lead_client: Client) -> None:
    lead_client.post(reverse("rights:log"), {**LOG, **_today()})

    request = RightsRequest.objects.get()
    assert request.subject == RequestSubject.SELF
    assert request.subject_name is None
    assert request.subject_key().email == "parent@example.org"
