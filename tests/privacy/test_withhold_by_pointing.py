"""Withholding is chosen by pointing at a record, or one field of it, in the export preview;
the second person who signs it off sees what it names and the value held."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from django.test import Client

from safeguarding.accounts.models import User
from safeguarding.privacy.models.rights_outcomes import WithheldItem
from tests.privacy.access_rights import open_request
from tests.privacy.conftest import audited, client_for
from tests.privacy.test_people import SAM, sams_booking
from tests.training.factories import BookingFactory

pytestmark = pytest.mark.django_db

ITEM = {
    "exemption": "third_party",
    "description": "The organisation you named",
    "justification": "It names a colleague who has not agreed",
}


def test_the_preview_shows_each_record_in_plain_words_with_a_way_to_withhold_it(
    lead_client: Client,
) -> None:
    booking = sams_booking(organisation="Invented Primary School")
    request = open_request(email=SAM)

    page = lead_client.get(f"/staff/rights-requests/{request.pk}/preview/").content.decode()

    assert "Booking on Working together, 25 January 2027" in page
    assert "Invented Primary School" in page
    assert f"record=training.Booking%3A{booking.pk}&amp;field=organisation" in page
    assert "training.Booking</" not in page
    assert audited("privacy.rights_request.read")


def test_the_lead_withholds_the_field_pointed_at_and_sees_its_value(
    lead_client: Client,
) -> None:
    booking = sams_booking(organisation="Invented Primary School")
    request = open_request(email=SAM)
    url = f"/staff/rights-requests/{request.pk}/withhold/"
    pointing = f"?record=training.Booking:{booking.pk}&field=organisation"

    page = lead_client.get(url + pointing).content.decode()
    assert "Booking on Working together, 25 January 2027" in page
    assert "Organisation" in page
    assert "Invented Primary School" in page

    response = lead_client.post(
        url, {**ITEM, "record": f"training.Booking:{booking.pk}", "field_name": "organisation"}
    )

    assert response.status_code == 302
    item = WithheldItem.objects.get()
    assert (item.model_label, item.object_id, item.field_name) == (
        "training.Booking",
        str(booking.pk),
        "organisation",
    )
    detail = lead_client.get(f"/staff/rights-requests/{request.pk}/").content.decode()
    assert "Booking on Working together, 25 January 2027: Organisation" in detail
    assert "training.Booking" not in detail


def test_the_second_person_sees_the_value_before_signing_off(lead: User, second_lead: User) -> None:
    booking = sams_booking(organisation="Invented Primary School")
    request = open_request(email=SAM)
    client_for(lead).post(
        f"/staff/rights-requests/{request.pk}/withhold/",
        {**ITEM, "record": f"training.Booking:{booking.pk}", "field_name": "organisation"},
    )
    item = WithheldItem.objects.get()

    page = (
        client_for(second_lead)
        .get(f"/staff/rights-requests/{request.pk}/withheld/{item.pk}/sign-off/")
        .content.decode()
    )

    assert "Booking on Working together, 25 January 2027" in page
    assert "Invented Primary School" in page
    assert "It names a colleague who has not agreed" in page


@pytest.mark.parametrize(
    ("pointing", "message"),
    [
        ({"record": "training.Booking:{other}"}, "Choose one of the requester's records"),
        ({"record": "sessions.Session:abc"}, "Choose one of the requester's records"),
        ({"record": "{mine}", "field_name": "secret_stuff"}, "Choose a field of the record"),
        ({"exemption": ""}, "Choose the exemption that applies"),
    ],
)
def test_bad_pointing_is_refused_with_the_error_summary(
    lead_client: Client, pointing: dict[str, str], message: str
) -> None:
    booking = sams_booking()
    other = BookingFactory()
    request = open_request(email=SAM)
    data = {**ITEM, **pointing}
    data = {
        key: value.format(other=other.pk, mine=f"training.Booking:{booking.pk}")
        for key, value in data.items()
    }

    response = lead_client.post(f"/staff/rights-requests/{request.pk}/withhold/", data)

    assert response.status_code == 400
    text = html.unescape(response.content.decode())
    assert "govuk-error-summary" in text
    assert message in text
    assert not WithheldItem.objects.exists()


def test_the_export_reads_as_a_person_expects(
    lead_client: Client, make_user: Callable[..., User]
) -> None:
    import io
    import json
    import zipfile

    sams_booking()
    request = open_request(email=SAM)

    bundle = lead_client.get(f"/staff/rights-requests/{request.pk}/export.zip").content

    with zipfile.ZipFile(io.BytesIO(bundle)) as files:
        summary = files.read("summary.html").decode()
        data = json.loads(files.read("data.json"))
    assert "Your booking on Working together, 25 January 2027" in summary
    assert "record 1" not in summary
    [row] = data["records"]["training.Booking"]["rows"]
    assert row["record"] == "Your booking on Working together, 25 January 2027"
