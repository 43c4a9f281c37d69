"""The public rights request flow at /your-data/: form, emailed link, confirmation."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.core import links
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import RequestStatus, RightsRequest
from safeguarding.privacy.rights.services import LINK_PURPOSE, rights_request_submit

FORM = {
    "email": "Sam.Subject@Example.org",
    "full_name": "Sam Subject",
    "kind": "access",
    "details": "",
    "declaration": "on",
}


def _link_path(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/your-data/confirm/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def _without_nonce(content: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b"", content)


def test_the_start_page_explains_the_rights(client: Client) -> None:
    response = client.get(reverse("your_data:start"))

    assert response.status_code == 200
    for right in ("copy of your data", "correct", "delete", "limit", "stop"):
        assert right in response.content.decode()
    assert reverse("your_data:request") in response.content.decode()


def test_the_form_starts_with_the_declaration_unticked(client: Client) -> None:
    response = client.get(reverse("your_data:request"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "I am the person this request is about, or I am authorised to act for them" in page
    assert re.search(r'<input type="checkbox" name="declaration"(?![^>]*checked)[^>]*>', page)


@pytest.mark.django_db(transaction=True)
def test_a_request_is_confirmed_by_the_emailed_link(
    client: Client, run_tasks: Callable[[], None], mailoutbox: list[mail.EmailMessage]
) -> None:
    response = client.post(reverse("your_data:request"), FORM)

    assert response.status_code == 302
    assert response["Location"] == reverse("your_data:check_email")
    request = RightsRequest.objects.get()
    assert request.status == RequestStatus.AWAITING_CONFIRMATION
    assert request.identity_confirmed_at is None
    assert request.due_on is None
    assert request.person.email == "sam.subject@example.org"
    assert request.person.full_name == "Sam Subject"
    assert request.channel == "web"
    assert request.logged_by is None

    run_tasks()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["sam.subject@example.org"]
    path = _link_path(message)
    assert str(request.pk) not in path.split("/")  # the id travels signed, not as a path part

    button = client.get(path)  # what a mail scanner does: it changes nothing

    assert button.status_code == 200
    assert b"Confirm my request" in button.content
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_CONFIRMATION

    page = client.post(path)

    assert page.status_code == 200
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    assert request.identity_confirmed_at is not None
    assert request.due_on is not None
    content = page.content.decode()
    assert request.reference in content
    assert f"{request.due_on.day} {request.due_on:%B %Y}" in content
    actions = list(
        AuditEntry.objects.filter(target_id=str(request.pk)).values_list("action", flat=True)
    )
    assert actions == ["privacy.rights_request.submitted", "privacy.rights_request.confirmed"]


@pytest.mark.django_db
def test_confirming_twice_changes_nothing(client: Client) -> None:
    request = rights_request_submit(
        email="sam@example.org", full_name="", kind="access", details=""
    )
    path = reverse(
        "your_data:confirm",
        args=[links.make_token(purpose=LINK_PURPOSE, payload={"request": request.pk})],
    )
    client.post(path)
    request.refresh_from_db()
    first = (request.identity_confirmed_at, request.due_on)

    again = client.post(path)
    assert again.status_code == 200
    again = client.get(path)  # a confirmed request's link shows the confirmation

    assert again.status_code == 200
    assert request.reference in again.content.decode()
    request.refresh_from_db()
    assert (request.identity_confirmed_at, request.due_on) == first
    assert AuditEntry.objects.filter(action="privacy.rights_request.confirmed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_known_address_and_an_unknown_one_get_the_same_answer(
    client: Client, run_tasks: Callable[[], None], mailoutbox: list[mail.EmailMessage]
) -> None:
    Person.objects.create(email="known@example.org", full_name="Known Person")

    known = client.post(reverse("your_data:request"), {**FORM, "email": "known@example.org"})
    unknown = client.post(reverse("your_data:request"), {**FORM, "email": "new@example.org"})
    known_page = client.get(known["Location"])
    unknown_page = client.get(unknown["Location"])
    run_tasks()

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert _without_nonce(known_page.content) == _without_nonce(unknown_page.content)
    assert b"known@example.org" not in known_page.content
    assert sorted(m.to[0] for m in mailoutbox) == ["known@example.org", "new@example.org"]
    bodies = {m.to[0]: re.sub(r"/confirm/\S+", "", str(m.body)) for m in mailoutbox}
    assert bodies["known@example.org"] == bodies["new@example.org"]
    # Nobody can rename a known person by typing a name into the form.
    assert Person.objects.get(email="known@example.org").full_name == "Known Person"


@pytest.mark.django_db
def test_the_declaration_must_be_ticked(client: Client) -> None:
    response = client.post(reverse("your_data:request"), {**FORM, "declaration": ""})

    assert response.status_code == 400
    assert "Confirm that you are the person this request is about" in response.content.decode()
    assert not RightsRequest.objects.exists()
    assert not Person.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "a" * 250 + "@example.org", "Email address must be 254 characters or fewer"),
        ("email", "not an address", "Enter an email address in the correct format"),
        ("full_name", "N" * 201, "Full name must be 200 characters or fewer"),
        ("details", "x" * 5001, "Your request must be 5,000 characters or fewer"),
        ("kind", "marketing", "Choose what you would like us to do"),
    ],
)
def test_bad_input_gets_a_form_error_and_creates_nothing(
    client: Client, field: str, value: str, error: str
) -> None:
    response = client.post(reverse("your_data:request"), {**FORM, field: value})

    assert response.status_code == 400
    assert error in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not RightsRequest.objects.exists()


@pytest.mark.django_db
def test_a_request_other_than_access_needs_details(client: Client) -> None:
    response = client.post(reverse("your_data:request"), {**FORM, "kind": "erasure"})

    assert response.status_code == 400
    assert "Tell us which data, and what you would like us to do" in response.content.decode()
    assert not RightsRequest.objects.exists()


@pytest.mark.django_db
def test_a_forged_link_gets_a_readable_400_and_changes_nothing(client: Client) -> None:
    request = rights_request_submit(
        email="sam@example.org", full_name="", kind="access", details=""
    )
    token = links.make_token(purpose=LINK_PURPOSE, payload={"request": request.pk})

    response = client.get(reverse("your_data:confirm", args=[token[:-3] + "abc"]))

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_CONFIRMATION


@pytest.mark.django_db
def test_a_link_made_for_something_else_is_refused(client: Client) -> None:
    request = rights_request_submit(
        email="sam@example.org", full_name="", kind="access", details=""
    )
    token = links.make_token(purpose="newsletter", payload={"request": request.pk})

    response = client.get(reverse("your_data:confirm", args=[token]))

    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_CONFIRMATION


@pytest.mark.django_db
def test_an_expired_link_gets_a_readable_400_and_changes_nothing(client: Client) -> None:
    request = rights_request_submit(
        email="sam@example.org", full_name="", kind="access", details=""
    )
    eight_days_ago = time.time() - timedelta(days=8).total_seconds()
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = links.make_token(purpose=LINK_PURPOSE, payload={"request": request.pk})

    response = client.get(reverse("your_data:confirm", args=[token]))

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_CONFIRMATION


@pytest.mark.django_db
def test_a_link_to_a_deleted_request_gets_a_readable_400(client: Client) -> None:
    request = rights_request_submit(
        email="sam@example.org", full_name="", kind="access", details=""
    )
    token = links.make_token(purpose=LINK_PURPOSE, payload={"request": request.pk})
    request.delete()

    response = client.get(reverse("your_data:confirm", args=[token]))

    assert response.status_code == 400
    assert "Make your request again" in response.content.decode()


@pytest.mark.django_db
def test_a_signed_link_without_a_request_id_is_refused(client: Client) -> None:
    token = links.make_token(purpose=LINK_PURPOSE, payload={"request": "1; drop"})

    response = client.get(reverse("your_data:confirm", args=[token]))

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


@pytest.mark.django_db
def test_the_clock_starts_when_the_request_is_confirmed(client: Client) -> None:
    request = rights_request_submit(
        email="sam@example.org", full_name="", kind="access", details=""
    )
    RightsRequest.objects.filter(pk=request.pk).update(
        received_at=timezone.now() - timedelta(days=5)
    )
    token = links.make_token(purpose=LINK_PURPOSE, payload={"request": request.pk})

    client.post(reverse("your_data:confirm", args=[token]))

    request.refresh_from_db()
    assert request.identity_confirmed_at is not None
    assert timezone.localdate(request.identity_confirmed_at) == timezone.localdate()
    assert request.due_on is not None
    assert request.due_on >= timezone.localdate() + timedelta(days=28)
