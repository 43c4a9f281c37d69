"""The access export is delivered by the system: the completion email links to a page that
asks for the requester's address again; the link expires, can be used a set number of times,
stops after too many wrong addresses, and every download is audited. No live link waits in
the task table."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.privacy.models.rights_outcomes import (
    EXPORT_CONFIRMATION_ATTEMPTS,
    ExportDelivery,
)
from safeguarding.privacy.rights.services import rights_request_complete
from tests.privacy.access_rights import open_request
from tests.privacy.conftest import audited
from tests.privacy.test_people import SAM, sams_booking

LINK = re.compile(r"https?://\S+/your-data/export/[^/\s]+/")


def completed_with_link(
    lead: User, run_tasks: Callable[[], None], mailoutbox: list[mail.EmailMessage]
) -> tuple[str, str]:
    """Sam's access request, completed: the path of the emailed link, and the email."""
    sams_booking()
    request = open_request(email=SAM)
    rights_request_complete(request=request, outcome="Answered", actor=lead)
    tasks = list(DBTaskResult.objects.values_list("args_kwargs", flat=True))
    run_tasks()
    [message] = [m for m in mailoutbox if m.to == [SAM]]
    body = str(message.body)
    found = LINK.search(body)
    assert found is not None, body
    assert "/your-data/export/" not in json.dumps(tasks)
    return "/your-data/export/" + found.group(0).split("/your-data/export/")[1], body


@pytest.mark.django_db(transaction=True)
def test_the_requester_downloads_their_export_after_typing_their_address_again(
    client: Client,
    lead: User,
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
    settings: Any,
) -> None:
    settings.ACCESS_EXPORT_LINK_DAYS = 14
    settings.ACCESS_EXPORT_DOWNLOADS = 2
    path, body = completed_with_link(lead, run_tasks, mailoutbox)
    assert "type your email address again" in body
    assert "for up to 2 downloads" in body
    expires = (timezone.localdate() + timedelta(days=14)).strftime("%-d %B %Y")
    assert f"works until {expires}" in body

    page = client.get(path)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "Download a copy of your data" in page.content.decode()

    wrong = client.post(path, {"email": "someone.else@example.org"})
    assert wrong.status_code == 400
    assert "Enter the email address we sent this link to" in wrong.content.decode()
    assert "govuk-error-summary" in wrong.content.decode()

    response = client.post(path, {"email": "  Sam.Patel@School.example.org "})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(response.content)) as files:
        summary = files.read("summary.html").decode()
    assert "Your booking on Working together, 25 January 2027" in summary

    delivery = ExportDelivery.objects.get()
    assert (delivery.downloads_used, delivery.failed_confirmations) == (1, 1)
    assert len(audited("privacy.export_delivery.downloaded")) == 1
    assert len(audited("privacy.export_delivery.wrong_address")) == 1
    for entry in audited("privacy.export_delivery.downloaded"):
        assert SAM not in json.dumps(entry.details)

    assert client.post(path, {"email": SAM}).status_code == 200
    used_up = client.get(path)
    assert used_up.status_code == 400
    assert "used as many times as it can be" in used_up.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_link_expires(
    client: Client,
    lead: User,
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
    time_machine: Any,
) -> None:
    path, _ = completed_with_link(lead, run_tasks, mailoutbox)
    time_machine.move_to(timezone.now() + timedelta(days=31))

    response = client.post(path, {"email": SAM})

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert ExportDelivery.objects.get().downloads_used == 0


@pytest.mark.django_db(transaction=True)
def test_too_many_wrong_addresses_stop_the_link(
    client: Client,
    lead: User,
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    path, _ = completed_with_link(lead, run_tasks, mailoutbox)
    for _ in range(EXPORT_CONFIRMATION_ATTEMPTS):
        assert client.post(path, {"email": "guess@example.org"}).status_code == 400

    response = client.post(path, {"email": SAM})

    assert response.status_code == 400
    assert "wrong email address was entered too many times" in response.content.decode()
    assert ExportDelivery.objects.get().downloads_used == 0


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["", "not an address"])
def test_a_bad_address_shows_the_error_summary(client: Client, lead: User, email: str) -> None:
    from safeguarding.privacy.rights.delivery import delivery_link

    request = open_request(email=SAM)
    rights_request_complete(request=request, outcome="Answered", actor=lead)
    path = (
        "/your-data/export/"
        + delivery_link(ExportDelivery.objects.get()).split("/your-data/export/")[1]
    )

    response = client.post(path, {"email": email})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert ExportDelivery.objects.get().failed_confirmations == 0


@pytest.mark.django_db
def test_a_forged_link_opens_nothing(client: Client) -> None:
    response = client.get("/your-data/export/not-a-real-token/")

    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()


@pytest.mark.django_db
def test_only_an_access_request_sends_a_link(lead: User) -> None:
    request = open_request(email=SAM, kind="rectification")

    rights_request_complete(request=request, outcome="Corrected", actor=lead)

    assert not ExportDelivery.objects.exists()
