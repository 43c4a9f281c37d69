"""The contact form: enquiries reach the business unit's inbox; FOI gets its answer (P15)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.retention.engine import retention_sweep
from safeguarding.privacy.rights.export import build_export
from safeguarding.public.models import Enquiry, EnquiryKind
from tests.public.factories import EnquiryFactory
from tests.smtp import Mailbox, text_body

pytestmark = pytest.mark.django_db

VALID = {
    "kind": EnquiryKind.TRAINING.value,
    "name": "Invented Person",
    "email": " Invented.Person@Example.org ",
    "message": "Is there a course on neglect next month?",
}


def test_the_form_offers_every_kind_of_enquiry(client: Client) -> None:
    content = client.get("/contact/").content.decode()

    for kind in EnquiryKind:
        assert f'value="{kind.value}"' in content
    assert "Freedom of Information" in content


@pytest.mark.django_db(transaction=True)
def test_an_enquiry_is_kept_audited_and_emailed_to_the_business_unit_after_commit(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None], settings
) -> None:
    settings.BUSINESS_UNIT_INBOX = "business.unit@example.org"

    response = client.post("/contact/", VALID)

    assert response.status_code == 302
    assert response["Location"] == "/contact/sent/"
    enquiry = Enquiry.objects.get()
    assert enquiry.email == "invented.person@example.org"
    assert enquiry.kind == EnquiryKind.TRAINING
    entry = AuditEntry.objects.get(action="public.enquiry.received")
    assert entry.details == {"kind": "training"}
    run_tasks()
    [message] = smtp_server.to("business.unit@example.org")
    assert f"enquiry {enquiry.pk}" in message["Subject"]
    body = text_body(message)
    assert "Is there a course on neglect next month?" in body
    assert "invented.person@example.org" in body
    assert "Message sent" in client.get("/contact/sent/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_freedom_of_information_request_gets_the_configured_answer_and_nothing_is_kept(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None], settings
) -> None:
    settings.FOI_REQUEST_URL = "https://council.example.org/foi"

    response = client.post(
        "/contact/", {**VALID, "kind": EnquiryKind.FREEDOM_OF_INFORMATION.value, "email": ""}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert str(settings.PARTNERSHIP["foi_statement"]) in content
    assert 'href="https://council.example.org/foi"' in content
    assert Enquiry.objects.count() == 0
    run_tasks()
    assert smtp_server.messages == []


def test_an_empty_form_shows_every_error_and_keeps_nothing(client: Client) -> None:
    response = client.post("/contact/", {})

    content = response.content.decode()
    assert "There is a problem" in content
    for error in (
        "Choose what your enquiry is about",
        "Enter your name",
        "Enter your email address",
        "Enter your message",
    ):
        assert error in content
    assert "<title>Error: Contact us" in content
    assert Enquiry.objects.count() == 0


def test_an_invalid_kind_is_refused_with_a_message(client: Client) -> None:
    response = client.post("/contact/", {**VALID, "kind": "advertising"})

    assert "Choose what your enquiry is about" in response.content.decode()
    assert Enquiry.objects.count() == 0


def test_the_form_is_rate_limited_per_address(client: Client) -> None:
    for _ in range(3):
        assert client.post("/contact/", VALID).status_code == 302

    response = client.post("/contact/", VALID)

    assert response.status_code == 429
    assert "too many times" in response.content.decode()
    assert Enquiry.objects.count() == 3


def test_enquiries_are_deleted_a_year_after_they_arrive() -> None:
    old = EnquiryFactory(received_at=timezone.now() - timedelta(days=366))
    recent = EnquiryFactory(received_at=timezone.now() - timedelta(days=300))

    retention_sweep()

    assert list(Enquiry.objects.all()) == [recent]
    assert not Enquiry.objects.filter(pk=old.pk).exists()


def test_an_foi_enquiry_cannot_be_stored() -> None:
    from safeguarding.public.services import enquiry_submit

    with pytest.raises(ValueError, match="answered, not stored"):
        enquiry_submit(
            kind=EnquiryKind.FREEDOM_OF_INFORMATION, name="A", email="a@example.org", message="x"
        )


def test_the_inbox_setting_defaults_to_the_partnership_contact_address() -> None:
    assert settings.PARTNERSHIP["contact_email"] == settings.BUSINESS_UNIT_INBOX


def test_a_subject_access_export_holds_the_persons_enquiries_and_nobody_elses() -> None:
    mine = EnquiryFactory(email="me@example.org", message="My question")
    EnquiryFactory(email="them@example.org", message="Their question")
    person = Person.objects.create(email="me@example.org")

    with zipfile.ZipFile(io.BytesIO(build_export(person))) as archive:
        data = json.loads(archive.read("data.json"))

    rows = data["records"]["public.Enquiry"]["rows"]
    assert [row["id"] for row in rows] == [str(mine.pk)]
    assert "Their question" not in json.dumps(data)


def test_the_freedom_of_information_choice_explains_itself_before_anything_is_typed(
    client: Client,
) -> None:
    content = client.get("/contact/").content.decode()

    assert "We are not subject to Freedom of Information requests" in content
    assert 'aria-describedby="id_kind_4-hint"' in content


def test_a_freedom_of_information_request_keeps_what_was_typed_to_send_another_way(
    client: Client,
) -> None:
    response = client.post("/contact/", {**VALID, "kind": EnquiryKind.FREEDOM_OF_INFORMATION.value})

    content = response.content.decode()
    assert "Is there a course on neglect next month?" in content
    assert 'value="Invented Person"' in content
    assert Enquiry.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_office_can_reply_to_an_enquiry_straight_from_the_email(
    client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None], settings
) -> None:
    settings.BUSINESS_UNIT_INBOX = "business.unit@example.org"
    client.post("/contact/", VALID)
    run_tasks()

    [message] = smtp_server.to("business.unit@example.org")
    assert message["Reply-To"] == "invented.person@example.org"
