"""Rectification, restriction and objection, reached from the staff rights request page."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import RequestKind
from safeguarding.privacy.models.rights_outcomes import (
    Objection,
    ProcessingRestriction,
    Rectification,
)
from safeguarding.privacy.rights.actions import (
    objection_decide,
    objection_upheld,
    processing_restricted,
    restriction_lift,
    restriction_place,
    rights_request_rectify,
)
from tests.privacy.access_rights import open_request
from tests.training.factories import BookingFactory

# --- Rectification ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_correction_changes_the_field_and_keeps_before_and_after_out_of_the_audit(
    lead_client: Client,
) -> None:
    request = open_request(
        email="me@example.org", kind=RequestKind.RECTIFICATION, full_name="Sam Smiht"
    )

    response = lead_client.post(
        reverse("rights:rectify", args=[request.pk]),
        {
            "record": f"privacy.Person:{request.person_id}",
            "field_name": "full_name",
            "new_value": "Sam Smith",
        },
    )

    assert response.status_code == 302
    assert Person.objects.get(pk=request.person_id).full_name == "Sam Smith"
    rectification = Rectification.objects.get()
    assert (rectification.before, rectification.after) == ("Sam Smiht", "Sam Smith")
    entry = AuditEntry.objects.get(action="privacy.rights_request.rectified")
    assert "Smiht" not in str(entry.details)
    assert "Sam Smith" not in str(entry.details)
    assert entry.details["field"] == "full_name"
    page = lead_client.get(reverse("rights:detail", args=[request.pk])).content.decode()
    assert "Corrections" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field_name", "new_value", "error"),
    [
        ("id", "5", "Choose something that can be corrected"),
        ("no_such_field", "x", "Choose something that can be corrected"),
        # The address is how we find the person's records: not a correction of one field.
        ("email", "new@example.org", "Choose something that can be corrected"),
        ("full_name", "", "Enter the full name"),
        ("full_name", "x" * 201, "Full name must be 200 characters or fewer"),
        ("full_name", "Sam\nSmith", "on one line"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    lead: User, field_name: str, new_value: str, error: str
) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.RECTIFICATION)

    with pytest.raises(ValidationError, match=error):
        rights_request_rectify(
            request=request,
            actor=lead,
            record=f"privacy.Person:{request.person_id}",
            field_name=field_name,
            new_value=new_value,
        )

    person = Person.objects.get(pk=request.person_id)
    assert (person.email, person.full_name) == ("me@example.org", "Sam Subject")
    assert not Rectification.objects.exists()
    assert not AuditEntry.objects.filter(action__endswith="corrected").exists()


@pytest.mark.django_db
def test_someone_elses_record_cannot_be_corrected(lead_client: Client) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.RECTIFICATION)
    other = Person.objects.create(email="them@example.org", full_name="Them")

    response = lead_client.post(
        reverse("rights:rectify", args=[request.pk]),
        {"record": f"privacy.Person:{other.pk}", "field_name": "full_name", "new_value": "X"},
    )

    assert response.status_code == 400
    assert "Choose one of the requester" in response.content.decode()
    assert Person.objects.get(pk=other.pk).full_name == "Them"


@pytest.mark.django_db
def test_the_form_offers_what_can_be_corrected_in_plain_words(lead_client: Client) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.RECTIFICATION)

    page = lead_client.get(reverse("rights:rectify", args=[request.pk])).content.decode()

    assert "What to correct" in page
    assert ">Full name</option>" in page
    assert ">Job title</option>" in page
    assert "password" not in page


@pytest.mark.django_db
def test_a_booking_is_corrected_through_the_training_service_with_its_own_audit_entry(
    lead: User,
) -> None:
    booking = BookingFactory(email="me@example.org", organisation="Norfok County Council")
    request = open_request(email="me@example.org", kind=RequestKind.RECTIFICATION)

    rights_request_rectify(
        request=request,
        actor=lead,
        record=f"training.Booking:{booking.pk}",
        field_name="organisation",
        new_value="  Norfolk County Council ",
    )

    booking.refresh_from_db()
    assert booking.organisation == "Norfolk County Council"
    owning = AuditEntry.objects.get(action="training.booking.corrected")
    assert owning.target_id == str(booking.pk)
    assert owning.details == {"field": "organisation"}
    rectification = Rectification.objects.get()
    assert (rectification.before, rectification.after) == (
        "Norfok County Council",
        "Norfolk County Council",
    )


# --- Restriction -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_restriction_is_seen_by_the_selector_until_it_is_lifted(lead_client: Client) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.RESTRICTION)
    assert not processing_restricted("me@example.org")

    placed = lead_client.post(
        reverse("rights:restrict", args=[request.pk]), {"reason": "Accuracy disputed"}
    )

    assert placed.status_code == 302
    assert processing_restricted(" Me@Example.org ")
    assert not processing_restricted("them@example.org")
    page = lead_client.get(reverse("rights:detail", args=[request.pk])).content.decode()
    assert "Restriction in force" in page
    assert "Lift the restriction" in page

    lifted = lead_client.post(
        reverse("rights:lift_restriction", args=[request.pk]), {"lift_reason": "Checked"}
    )

    assert lifted.status_code == 302
    assert not processing_restricted("me@example.org")
    actions = AuditEntry.objects.filter(action__startswith="privacy.restriction").values_list(
        "action", flat=True
    )
    assert list(actions) == ["privacy.restriction.placed", "privacy.restriction.lifted"]


@pytest.mark.django_db
def test_a_second_restriction_while_one_is_in_force_is_refused(lead: User) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.RESTRICTION)
    restriction_place(request=request, actor=lead, reason="Accuracy disputed")

    with pytest.raises(ValidationError, match="already in force"):
        restriction_place(request=request, actor=lead, reason="Again")

    assert ProcessingRestriction.objects.count() == 1


@pytest.mark.django_db
def test_lifting_when_nothing_is_restricted_is_refused(lead: User) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.RESTRICTION)

    with pytest.raises(ValidationError, match="No restriction"):
        restriction_lift(request=request, actor=lead, lift_reason="Checked")


@pytest.mark.django_db
def test_a_restriction_needs_a_restriction_request(lead: User) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.ACCESS)

    with pytest.raises(ValidationError, match="open restriction request"):
        restriction_place(request=request, actor=lead, reason="Accuracy disputed")


# --- Objection -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upheld_objection_stops_processing_for_that_purpose_only(
    lead_client: Client,
) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.OBJECTION)

    response = lead_client.post(
        reverse("rights:objection", args=[request.pk]),
        {"purpose": "rights_requests", "outcome": "stopped", "reasons": "No overriding grounds"},
    )

    assert response.status_code == 302
    assert objection_upheld("me@example.org", "rights_requests")
    assert not objection_upheld("me@example.org", "records_management")
    entry = AuditEntry.objects.get(action="privacy.objection.decided")
    assert entry.details["outcome"] == "stopped"
    assert "No overriding grounds" not in str(entry.details)


@pytest.mark.django_db
def test_an_objection_not_upheld_records_the_reasons_for_continuing(lead: User) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.OBJECTION)

    objection_decide(
        request=request,
        actor=lead,
        purpose="rights_requests",
        outcome="continued",
        reasons="Needed to defend a legal claim",
    )

    assert not objection_upheld("me@example.org", "rights_requests")
    assert Objection.objects.get().reasons == "Needed to defend a legal claim"


@pytest.mark.django_db
def test_an_objection_to_an_unknown_purpose_shows_an_error(lead_client: Client) -> None:
    request = open_request(email="me@example.org", kind=RequestKind.OBJECTION)

    response = lead_client.post(
        reverse("rights:objection", args=[request.pk]),
        {"purpose": "advertising", "outcome": "stopped", "reasons": "x"},
    )

    assert response.status_code == 400
    assert "Choose the purpose the requester objects to" in response.content.decode()
    assert not Objection.objects.exists()
