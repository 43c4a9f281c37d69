"""The online notification form: any professional, no account. In-scope deaths are stored
encrypted and nothing is shown back; stillbirths, late foetal losses, terminations and deaths
at 18 or over are refused with the reason; the NHS number's check digit is checked; bad input
gets the error summary and 400; submissions per client are limited; CSRF applies."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.cdop.models import Notification, NotificationSource
from safeguarding.cdop.scope import AGED_18, NOT_IN_AREA, OUT_OF_SCOPE, BirthOutcome
from safeguarding.core.ratelimit import TOO_MANY
from safeguarding.workspaces.forms import NHS_NUMBER_INVALID
from tests.cdop.conftest import VALID_NHS
from tests.date_input import date_boxes

pytestmark = pytest.mark.django_db
URL = "/child-death-notification/"


def form_data(**changes: Any) -> dict[str, Any]:
    died = timezone.localdate() - timedelta(days=2)
    data: dict[str, Any] = {
        "birth_outcome": BirthOutcome.LIVE_BIRTH.value,
        "name": "Invented Child",
        **date_boxes("date_of_birth", died.replace(year=died.year - 3) - timedelta(days=5)),
        **date_boxes("date_of_death", died),
        "nhs_number": "943 476 5919",
        "sex": "Male",
        "home_address": "1 Invented Road, Norwich",
        "gp_practice": "Invented Surgery",
        "resident_in_area": "yes",
        "died_in_area": "yes",
        "place_of_death": "Invented Hospital",
        "unexpected": "yes",
        "circumstances": "Invented circumstances",
        "notifier_name": "Dr Invented Notifier",
        "notifier_role": "Consultant paediatrician",
        "notifier_organisation": "Invented Hospital",
        "notifier_email": "notifier@example.org",
        "notifier_phone": "01234 567890",
    }
    data.update(changes)
    return data


def test_the_url_is_the_public_notification_form() -> None:
    assert reverse("cdop:notify") == URL


def test_the_form_needs_no_account(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert b"Notify the death of a child" in response.content


def test_a_notification_is_stored_encrypted_and_nothing_is_shown_back(client: Client) -> None:
    response = client.post(URL, form_data(), follow=True)

    assert response.redirect_chain == [(reverse("cdop:notification_sent"), 302)]
    page = response.content.decode()
    assert "Notification sent" in page
    for typed in ("Invented Child", "9434765919", "Invented Road", "notifier@example.org"):
        assert typed not in page
    notification = Notification.objects.get()
    assert notification.source == NotificationSource.ONLINE
    assert notification.case is None
    assert notification.notifier_email == "notifier@example.org"
    assert '"nhs_number": "9434765919"' in notification.details
    assert AuditEntry.objects.filter(action="cdop.notification.received").count() == 1


def test_the_form_page_is_not_stored_by_the_browser(client: Client) -> None:
    assert client.get(URL)["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "outcome", [BirthOutcome.STILLBIRTH, BirthOutcome.LATE_FOETAL_LOSS, BirthOutcome.TERMINATION]
)
def test_deaths_outside_the_review_are_refused_with_the_reason(
    client: Client, outcome: BirthOutcome
) -> None:
    response = client.post(URL, form_data(birth_outcome=outcome.value))

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert OUT_OF_SCOPE[outcome].split(",")[0] in page
    assert not Notification.objects.exists()


def test_a_stillbirth_is_refused_even_before_the_rest_is_filled_in(client: Client) -> None:
    response = client.post(URL, {"birth_outcome": BirthOutcome.STILLBIRTH.value})

    assert response.status_code == 400
    assert "does not cover stillbirths" in response.content.decode()


def test_a_death_at_18_is_refused(client: Client) -> None:
    died = timezone.localdate() - timedelta(days=2)
    data = form_data(**date_boxes("date_of_birth", died.replace(year=died.year - 18)))

    response = client.post(URL, data)

    assert response.status_code == 400
    assert AGED_18.split(".")[0] in response.content.decode()
    assert not Notification.objects.exists()


def test_a_death_outside_the_area_is_refused(client: Client) -> None:
    response = client.post(URL, form_data(resident_in_area="no", died_in_area="no"))

    assert response.status_code == 400
    assert NOT_IN_AREA.split(".")[0] in response.content.decode()


def test_an_nhs_number_with_a_wrong_check_digit_is_refused(client: Client) -> None:
    response = client.post(URL, form_data(nhs_number="943 476 5918"))

    assert response.status_code == 400
    assert NHS_NUMBER_INVALID in response.content.decode()
    assert not Notification.objects.exists()


def test_the_nhs_number_may_be_left_out(client: Client) -> None:
    assert client.post(URL, form_data(nhs_number="")).status_code == 302
    assert Notification.objects.get().nhs_lookup == ""


def test_an_empty_form_gets_the_error_summary_and_400(client: Client) -> None:
    response = client.post(URL, {})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter date of birth" in page
    assert 'href="#id_date_of_birth_0"' in page
    assert "Select whether the child was born alive" in page


def test_an_impossible_date_is_refused(client: Client) -> None:
    data = form_data(date_of_death_0="31", date_of_death_1="2", date_of_death_2="2026")
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "Date of death must be a real date" in response.content.decode()


def test_a_second_notification_for_the_same_child_links_to_the_case(client: Client, case) -> None:
    assert case.nhs_number == VALID_NHS
    client.post(URL, form_data())

    online = Notification.objects.get(source=NotificationSource.ONLINE)
    assert online.case == case
    assert online.linked_as_duplicate


def test_submissions_per_client_are_limited(client: Client, settings) -> None:
    settings.CDOP_NOTIFICATIONS_PER_CLIENT_HOUR = 2
    for n in range(2):
        response = client.post(URL, form_data(notifier_email=f"n{n}@example.org"))
        assert response.status_code == 302

    response = client.post(URL, form_data(notifier_email="n3@example.org"))

    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert Notification.objects.count() == 2


def test_the_form_needs_its_csrf_token() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, form_data())
    assert response.status_code == 403
    assert not Notification.objects.exists()
