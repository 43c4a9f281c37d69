"""Items withheld from an access export: exemption, justification, a second person's sign-off,
and the redaction schedule the requester receives."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.rights import RequestKind, RequestStatus
from safeguarding.privacy.models.rights_outcomes import Exemption, WithheldItem
from safeguarding.privacy.rights.export import WITHHELD_UNDER_EXEMPTION, build_export
from safeguarding.privacy.rights.services import rights_request_complete, rights_request_export
from safeguarding.privacy.rights.withholding import (
    withheld_item_propose,
    withheld_item_sign_off,
)
from tests.conftest import sign_in
from tests.privacy.access_rights import open_request, withheld_item

JUSTIFICATION = "It records what her former partner told us about the family"


def _open(bundle: bytes) -> tuple[dict[str, Any], str]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return json.loads(archive.read("data.json")), archive.read("summary.html").decode()


@pytest.fixture
def second_lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD)


@pytest.mark.django_db
def test_a_signed_off_record_is_left_out_and_the_schedule_says_why(
    lead: User, second_lead: User
) -> None:
    request = open_request(email="me@example.org")
    earlier = open_request(email="me@example.org", kind=RequestKind.ERASURE)
    item = withheld_item_propose(
        request=request,
        actor=lead,
        exemption=Exemption.THIRD_PARTY,
        description="An earlier request that is mostly about another person",
        justification=JUSTIFICATION,
        record=f"privacy.RightsRequest:{earlier.pk}",
    )
    with pytest.raises(ValidationError, match="second person"):
        rights_request_export(request=request, actor=lead)

    withheld_item_sign_off(item=item, actor=second_lead)
    data, summary = _open(rights_request_export(request=request, actor=lead))

    rows = data["records"]["privacy.RightsRequest"]["rows"]
    assert [row["id"] for row in rows] == [str(request.pk)]
    assert data["withheld"] == [
        {
            "what": "An earlier request that is mostly about another person",
            "exemption": "Third-party data",
            "why": item.exemption_in_words,
        }
    ]
    assert "Redaction schedule" in summary
    assert "An earlier request that is mostly about another person" in summary
    # The justification is for the file, and could reveal what was withheld.
    assert JUSTIFICATION not in json.dumps(data) + summary
    assert "privacy.WithheldItem" not in data["records"]


@pytest.mark.django_db
def test_one_withheld_field_is_blanked_and_the_rest_of_the_record_is_exported(
    lead: User, second_lead: User
) -> None:
    request = open_request(email="me@example.org")
    request.details = "Everything, including what my brother said about me"
    request.save()
    item = withheld_item_propose(
        request=request,
        actor=lead,
        exemption=Exemption.THIRD_PARTY,
        description="Part of the text of your request that is about your brother",
        justification=JUSTIFICATION,
        record=f"privacy.RightsRequest:{request.pk}",
        field_name="details",
    )
    withheld_item_sign_off(item=item, actor=second_lead)

    data, summary = _open(rights_request_export(request=request, actor=lead))

    fields = data["records"]["privacy.RightsRequest"]["rows"][0]["fields"]
    assert fields["details"]["value"] == WITHHELD_UNDER_EXEMPTION
    assert fields["kind"]["value"] == "access"
    assert "my brother" not in json.dumps(data) + summary


@pytest.mark.django_db
def test_a_field_that_is_not_personal_data_cannot_be_withheld(lead: User) -> None:
    request = open_request(email="me@example.org")

    with pytest.raises(ValidationError) as refused:
        withheld_item_propose(
            request=request,
            actor=lead,
            exemption=Exemption.OTHER,
            description="Something",
            justification="Because",
            record=f"privacy.RightsRequest:{request.pk}",
            field_name="due_on",
        )

    assert "field_name" in refused.value.message_dict
    assert not WithheldItem.objects.exists()


@pytest.mark.django_db
def test_an_export_with_nothing_withheld_says_so() -> None:
    request = open_request(email="me@example.org")

    data, summary = _open(build_export(request.person))

    assert data["withheld"] == []
    assert "We have not left anything out." in summary


@pytest.mark.django_db
def test_the_proposer_cannot_sign_off_their_own_item_and_the_attempt_is_audited(
    lead: User,
) -> None:
    item = withheld_item(proposed_by=lead)

    with pytest.raises(ValidationError, match="second person"):
        withheld_item_sign_off(item=item, actor=lead)

    item.refresh_from_db()
    assert item.signed_off_at is None
    entry = AuditEntry.objects.get(action="privacy.withheld_item.own_sign_off_refused")
    assert entry.actor == lead
    assert entry.target_id == str(item.pk)


@pytest.mark.django_db
def test_the_database_refuses_a_sign_off_by_the_proposer(lead: User) -> None:
    item = withheld_item(proposed_by=lead)
    item.signed_off_by = lead

    with pytest.raises(IntegrityError), transaction.atomic():
        item.save()


@pytest.mark.django_db
def test_someone_without_a_data_protection_role_cannot_sign_off(
    make_user: Callable[..., User],
) -> None:
    item = withheld_item()

    with pytest.raises(ValidationError, match="data protection lead"):
        withheld_item_sign_off(item=item, actor=make_user(Role.TRAINING_COORDINATOR))

    assert WithheldItem.objects.get(pk=item.pk).signed_off_at is None


@pytest.mark.django_db
def test_an_unsigned_item_blocks_completing_the_request(lead: User) -> None:
    item = withheld_item(proposed_by=lead)

    with pytest.raises(ValidationError, match="second person"):
        rights_request_complete(request=item.request, outcome="Sent", actor=lead)

    item.request.refresh_from_db()
    assert item.request.status == RequestStatus.OPEN


@pytest.mark.django_db
def test_someone_elses_record_cannot_be_named(lead: User) -> None:
    mine = open_request(email="me@example.org")
    theirs = open_request(email="them@example.org")

    with pytest.raises(ValidationError) as refused:
        withheld_item_propose(
            request=mine,
            actor=lead,
            exemption=Exemption.OTHER,
            description="Something",
            justification="Because",
            record=f"privacy.RightsRequest:{theirs.pk}",
        )

    assert refused.value.message_dict == {"record": ["Choose one of the requester's records"]}
    assert not WithheldItem.objects.exists()


@pytest.mark.django_db
def test_a_proposal_without_a_justification_shows_an_error_and_changes_nothing(
    client: Client, lead: User
) -> None:
    sign_in(client, lead)
    request = open_request()

    response = client.post(
        reverse("rights:withhold", args=[request.pk]),
        {"exemption": "serious_harm", "description": "A letter from a doctor", "record": ""},
    )

    assert response.status_code == 400
    assert "Enter why the exemption applies" in response.content.decode()
    assert not WithheldItem.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_people_withhold_an_item_and_the_requester_is_emailed_the_schedule(
    lead: User,
    second_lead: User,
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    request = open_request(email="me@example.org")
    first, second = Client(), Client()
    sign_in(first, lead)
    sign_in(second, second_lead)

    response = first.post(
        reverse("rights:withhold", args=[request.pk]),
        {
            "exemption": "social_work",
            "description": "Part of a note from a social worker",
            "justification": JUSTIFICATION,
            "record": "",
        },
    )
    assert response.status_code == 302
    item = WithheldItem.objects.get()
    page = first.get(reverse("rights:detail", args=[request.pk])).content.decode()
    assert "Awaiting a second person" in page

    refused = first.post(reverse("rights:sign_off", args=[request.pk, item.pk]))
    assert refused.status_code == 400
    assert "a second person must sign it off" in refused.content.decode()
    signed = second.post(reverse("rights:sign_off", args=[request.pk, item.pk]))
    assert signed.status_code == 302
    completed = first.post(
        reverse("rights:complete", args=[request.pk]), {"outcome": "Sent by secure email"}
    )
    assert completed.status_code == 302

    run_tasks()
    assert [m.to for m in mailoutbox] == [["me@example.org"]]
    body = str(mailoutbox[0].body)
    assert "Part of a note from a social worker" in body
    assert "Exemption: Social work data." in body
    assert JUSTIFICATION not in body
    assert "Sent by secure email" not in body  # staff notes stay on file
    actions = list(
        AuditEntry.objects.filter(action__startswith="privacy.withheld_item").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "privacy.withheld_item.proposed",
        "privacy.withheld_item.own_sign_off_refused",
        "privacy.withheld_item.signed_off",
    ]


@pytest.mark.django_db
def test_a_closed_request_cannot_gain_or_sign_off_an_item(lead: User, second_lead: User) -> None:
    request = open_request(email="me@example.org")
    item = withheld_item_propose(
        request=request,
        actor=lead,
        exemption=Exemption.THIRD_PARTY,
        description="Part of the text of your request that is about your brother",
        justification=JUSTIFICATION,
        record=f"privacy.RightsRequest:{request.pk}",
        field_name="details",
    )
    withheld_item_sign_off(item=item, actor=second_lead)
    rights_request_complete(request=request, outcome="Sent the export", actor=lead)
    later = WithheldItem.objects.create(
        request=request,
        exemption=Exemption.THIRD_PARTY,
        description="Added behind the service's back",
        justification=JUSTIFICATION,
        model_label="privacy.RightsRequest",
        object_id=str(request.pk),
        proposed_by=lead,
    )

    with pytest.raises(ValidationError, match="open access request"):
        withheld_item_propose(
            request=request,
            actor=lead,
            exemption=Exemption.THIRD_PARTY,
            description="Something else",
            justification=JUSTIFICATION,
            record=f"privacy.RightsRequest:{request.pk}",
        )
    with pytest.raises(ValidationError, match="closed"):
        withheld_item_sign_off(item=later, actor=second_lead)
    later.refresh_from_db()
    assert later.signed_off_at is None
