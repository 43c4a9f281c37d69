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
from tests.privacy.conftest import audited, client_for
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


# --- Staff see the links sent, send a new one, or cancel one --------------------------------


@pytest.mark.django_db(transaction=True)
def test_staff_send_a_new_link_and_the_old_one_stops_working(
    client: Client,
    lead: User,
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    old_path, _ = completed_with_link(lead, run_tasks, mailoutbox)
    request = ExportDelivery.objects.get().request
    staff = client_for(lead)
    page = staff.get(f"/staff/rights-requests/{request.pk}/").content.decode()
    assert "Links sent to download the export" in page
    assert "Working" in page
    assert "/your-data/export/" not in page  # never the link itself

    empty = staff.post(f"/staff/rights-requests/{request.pk}/export-links/new/", {"reason": ""})
    assert empty.status_code == 400
    assert "Enter why a new link is being sent" in empty.content.decode()

    sent = staff.post(
        f"/staff/rights-requests/{request.pk}/export-links/new/",
        {"reason": "The requester deleted the first email"},
        follow=True,
    )
    assert "A new link to download the export is emailed" in sent.content.decode()
    mailoutbox.clear()
    run_tasks()
    [message] = [m for m in mailoutbox if m.to == [SAM]]
    found = LINK.search(str(message.body))
    assert found is not None
    assert "Any link we sent you before no longer works" in str(message.body)
    new_path = "/your-data/export/" + found.group(0).split("/your-data/export/")[1]

    replaced = client.post(old_path, {"email": SAM})
    assert replaced.status_code == 400
    assert "replaced by a newer one" in replaced.content.decode()
    assert client.post(new_path, {"email": SAM}).status_code == 200

    old, new = ExportDelivery.objects.order_by("pk")
    assert (old.ended_why, old.ended_by, old.downloads_used) == ("replaced", lead, 0)
    assert new.ended_at is None
    [created] = [entry for entry in audited("privacy.export_delivery.created") if entry.actor]
    assert created.actor == lead
    assert created.reason == "The requester deleted the first email"
    assert created.details["replaced"] == 1
    page = staff.get(f"/staff/rights-requests/{request.pk}/").content.decode()
    assert f"Replaced by a new link on {timezone.localtime(old.ended_at):%-d %B %Y}" in page
    assert "/your-data/export/" not in page


@pytest.mark.django_db(transaction=True)
def test_staff_cancel_a_link_and_it_stops_at_once(
    client: Client,
    lead: User,
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    path, _ = completed_with_link(lead, run_tasks, mailoutbox)
    delivery = ExportDelivery.objects.get()
    staff = client_for(lead)
    cancel = f"/staff/rights-requests/{delivery.request_id}/export-links/{delivery.pk}/cancel/"
    assert cancel in staff.get(f"/staff/rights-requests/{delivery.request_id}/").content.decode()

    done = staff.post(cancel, {"reason": "Sent to a shared mailbox"}, follow=True)

    assert "The link is cancelled" in done.content.decode()
    response = client.post(path, {"email": SAM})
    assert response.status_code == 400
    assert "This link has been cancelled" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.ended_why, delivery.downloads_used) == ("cancelled", 0)
    [entry] = audited("privacy.export_delivery.cancelled")
    assert (entry.actor, entry.reason) == (lead, "Sent to a shared mailbox")
    again = staff.post(cancel, {"reason": "Twice"})
    assert again.status_code == 400
    assert "already no longer works" in again.content.decode()
