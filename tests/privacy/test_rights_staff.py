"""The staff queue of rights requests and the data protection lead's actions on them."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.rights import (
    RequestKind,
    RequestPause,
    RequestStatus,
    RightsRequest,
)
from tests.clock import at_london
from tests.conftest import sign_in
from tests.date_input import as_date_boxes, date_boxes
from tests.privacy.access_rights import open_request


def _queue(client: Client, show: str) -> str:
    response = client.get(reverse("rights:queue"), {"show": show})
    assert response.status_code == 200
    return response.content.decode()


# --- The queue --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_filters_by_due_soon_overdue_paused_open_and_closed(lead_client: Client) -> None:
    today = timezone.localdate()
    soon = open_request(email="soon@example.org", due_on=today + timedelta(days=3))
    later = open_request(email="later@example.org", due_on=today + timedelta(days=20))
    overdue = open_request(email="late@example.org", due_on=today - timedelta(days=2))
    paused = open_request(email="paused@example.org", status=RequestStatus.PAUSED)
    closed = open_request(email="done@example.org", status=RequestStatus.COMPLETED)
    waiting = open_request(email="waiting@example.org", status=RequestStatus.AWAITING_CONFIRMATION)

    def shown(show: str) -> set[str]:
        page = _queue(lead_client, show)
        everyone = [soon, later, overdue, paused, closed, waiting]
        return {r.reference for r in everyone if r.reference in page}

    assert shown("open") == {soon.reference, later.reference, overdue.reference}
    assert shown("due_soon") == {soon.reference}
    assert shown("overdue") == {overdue.reference}
    assert shown("paused") == {paused.reference}
    assert shown("completed") == {closed.reference}
    page = _queue(lead_client, "open")
    assert "3 days" in page
    assert "Overdue by 2 days" in page
    assert f"{soon.due_on:%-d %B %Y}" in page


@pytest.mark.django_db
def test_an_unknown_tab_is_404(lead_client: Client) -> None:
    assert lead_client.get(reverse("rights:queue"), {"show": "everything"}).status_code == 404


@pytest.mark.django_db
def test_the_queue_costs_the_same_queries_at_2_and_30_requests(lead_client: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            _queue(lead_client, "open")
        return len(captured)

    for n in range(2):
        open_request(email=f"a{n}@example.org")
    before = count()
    for n in range(28):
        open_request(email=f"b{n}@example.org")
    assert count() == before


@pytest.mark.django_db
def test_an_administrator_may_look_but_not_change(client: Client, administrator: User) -> None:
    request = open_request()
    sign_in(client, administrator)

    queue = client.get(reverse("rights:queue")).content.decode()
    detail = client.get(reverse("rights:detail", args=[request.pk])).content.decode()
    post = client.post(reverse("rights:complete", args=[request.pk]), {"outcome": "Done"})

    assert request.reference in queue
    assert reverse("rights:log") not in queue
    assert reverse("rights:complete", args=[request.pk]) not in detail
    assert reverse("rights:export", args=[request.pk]) not in detail
    assert post.status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


@pytest.mark.django_db
def test_a_request_awaiting_its_link_is_not_shown_to_staff(lead_client: Client) -> None:
    waiting = open_request(status=RequestStatus.AWAITING_CONFIRMATION)

    assert lead_client.get(reverse("rights:detail", args=[waiting.pk])).status_code == 404


# --- Logging a request made by phone or letter --------------------------------------------------

LOG = {
    "email": "Caller@Example.org",
    "full_name": "Casey Caller",
    "kind": "access",
    "channel": "phone",
    "details": "A copy of my training records",
    "identity_note": "Answered both security questions",
}


@pytest.mark.django_db
def test_the_lead_logs_a_phone_request_and_the_clock_starts(
    lead_client: Client, lead: User
) -> None:
    received = timezone.localdate() - timedelta(days=2)
    response = lead_client.post(
        reverse("rights:log"), {**LOG, **date_boxes("received_on", received)}
    )

    request = RightsRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rights:detail", args=[request.pk])
    assert request.status == RequestStatus.OPEN
    assert request.channel == "phone"
    assert request.logged_by == lead
    assert request.person.email == "caller@example.org"
    assert request.identity_note == "Answered both security questions"
    assert request.received_on == received
    # The clock runs from identity confirmation (today), the later of the two.
    assert request.due_on is not None
    assert request.due_on >= timezone.localdate() + timedelta(28)
    entry = AuditEntry.objects.get(action="privacy.rights_request.logged")
    assert entry.actor == lead
    assert entry.details == {"kind": "access", "channel": "phone", "person": request.person_id}


@pytest.mark.django_db
def test_a_letter_without_an_email_address_is_logged_by_name(lead_client: Client) -> None:
    response = lead_client.post(
        reverse("rights:log"),
        {
            **LOG,
            "email": "",
            "channel": "letter",
            **date_boxes("received_on", timezone.localdate()),
        },
    )

    assert response.status_code == 302
    request = RightsRequest.objects.get()
    assert request.person.email is None
    assert request.person.full_name == "Casey Caller"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"received_on": "31/02/2026"}, "The date received must be a real date"),
        ({"received_on": "FUTURE"}, "The date received must be today or in the past"),
        ({"identity_note": ""}, "Enter how you confirmed the requester&#x27;s identity"),
        ({"email": "", "full_name": ""}, "Enter the requester&#x27;s email address or name"),
        ({"channel": "web"}, "Choose phone, letter or email"),
        ({"details": "x" * 5001}, "The request must be 5,000 characters or fewer"),
        ({"identity_note": "x" * 2001}, "The identity note must be 2,000 characters or fewer"),
        ({"kind": ""}, "Choose the type of request"),
    ],
)
def test_logging_bad_input_gets_a_form_error(
    lead_client: Client, changes: dict[str, str], error: str
) -> None:
    data = {**LOG, "received_on": timezone.localdate(), **changes}
    if data["received_on"] == "FUTURE":
        data["received_on"] = timezone.localdate() + timedelta(days=1)

    response = lead_client.post(reverse("rights:log"), as_date_boxes(data, "received_on"))

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not RightsRequest.objects.exists()


# --- Pause and resume ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_pausing_stops_the_clock_and_resuming_adds_the_days(
    clock, lead: User, lead_client: Client
) -> None:
    clock.move_to(at_london(2027, 3, 1, 10, 0), tick=False)
    sign_in(lead_client, lead)  # a session started at the new "now"
    request = open_request()
    due = request.due_on
    assert due == date(2027, 4, 1)  # one calendar month: a Thursday

    response = lead_client.post(
        reverse("rights:pause", args=[request.pk]), {"reason": "Which years of training?"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.PAUSED
    pause = RequestPause.objects.get(request=request)
    assert pause.ended_at is None
    # Pretend the pause began ten days ago.
    RequestPause.objects.filter(pk=pause.pk).update(started_at=timezone.now() - timedelta(days=10))
    assert "Paused" in _queue(lead_client, "paused")

    response = lead_client.post(reverse("rights:resume", args=[request.pk]))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN
    # The ten days paused are added to the month (11 April, a Sunday), then the deadline
    # moves to the next working day.
    assert request.due_on == date(2027, 4, 12)
    assert request.due_on <= due + timedelta(days=14)  # at most a long weekend's roll
    actions = list(
        AuditEntry.objects.filter(target_id=str(request.pk)).values_list("action", "details")
    )
    assert actions == [
        ("privacy.rights_request.paused", {"pause": pause.pk}),
        ("privacy.rights_request.resumed", {"pause": pause.pk, "days_paused": 10}),
    ]


@pytest.mark.django_db
def test_a_pause_needs_a_reason(lead_client: Client) -> None:
    request = open_request()

    response = lead_client.post(reverse("rights:pause", args=[request.pk]), {"reason": "  "})

    assert response.status_code == 400
    assert "Enter what you have asked the requester to clarify" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


@pytest.mark.django_db
def test_resuming_a_request_that_is_not_paused_is_refused(lead_client: Client) -> None:
    request = open_request()

    response = lead_client.post(reverse("rights:resume", args=[request.pk]))

    assert response.status_code == 400
    assert "Only a paused request can be resumed" in response.content.decode()


@pytest.mark.django_db
def test_pausing_a_paused_request_is_refused(lead_client: Client) -> None:
    request = open_request(status=RequestStatus.PAUSED)

    response = lead_client.post(reverse("rights:pause", args=[request.pk]), {"reason": "Again"})

    assert response.status_code == 400
    assert "Only an open request can be paused" in response.content.decode()
    assert not RequestPause.objects.exists()


# --- Extension -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_extension_moves_the_deadline_and_tells_the_requester(
    client: Client,
    make_user: Callable[..., User],
    run_tasks: Callable[[], None],
    mailoutbox: list[mail.EmailMessage],
) -> None:
    sign_in(client, make_user(Role.DATA_PROTECTION_LEAD))
    request = open_request(email="subject@example.org")
    due = request.due_on

    response = client.post(
        reverse("rights:extend", args=[request.pk]),
        {"months": "2", "reason": "Your records span many courses & years"},
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.extension_months == 2
    assert request.extension_notified_at is not None
    assert request.due_on is not None
    assert due is not None
    assert request.due_on > due + timedelta(days=55)
    run_tasks()
    assert [m.to for m in mailoutbox] == [["subject@example.org"]]
    body = str(mailoutbox[0].body)
    assert "Your records span many courses & years" in body  # plain text, not HTML-escaped
    assert f"{request.due_on.day} {request.due_on:%B %Y}" in body
    entry = AuditEntry.objects.get(action="privacy.rights_request.extended")
    assert entry.details == {"months": 2, "notice": "email"}


@pytest.mark.django_db
def test_an_extension_of_three_months_is_refused(lead_client: Client) -> None:
    request = open_request()

    response = lead_client.post(
        reverse("rights:extend", args=[request.pk]), {"months": "3", "reason": "Complex"}
    )

    assert response.status_code == 400
    assert "Extend by 1 or 2 months" in response.content.decode()
    request.refresh_from_db()
    assert request.extension_months == 0


@pytest.mark.django_db
def test_a_second_extension_is_refused(lead_client: Client) -> None:
    request = open_request()
    first = lead_client.post(
        reverse("rights:extend", args=[request.pk]), {"months": "1", "reason": "Complex"}
    )
    assert first.status_code == 302

    again = lead_client.post(
        reverse("rights:extend", args=[request.pk]), {"months": "1", "reason": "Still complex"}
    )

    assert again.status_code == 400
    assert "already been extended" in again.content.decode()
    request.refresh_from_db()
    assert request.extension_months == 1
    assert request.extension_reason == "Complex"


@pytest.mark.django_db
def test_an_extension_after_the_first_month_is_refused(lead_client: Client) -> None:
    request = open_request(received_at=timezone.now() - timedelta(days=45))
    assert request.due_on is not None
    assert request.due_on < timezone.localdate()

    response = lead_client.post(
        reverse("rights:extend", args=[request.pk]), {"months": "2", "reason": "Complex"}
    )

    assert response.status_code == 400
    assert "too late to extend" in response.content.decode()
    request.refresh_from_db()
    assert request.extension_months == 0


@pytest.mark.django_db
def test_without_an_email_address_staff_confirm_they_told_the_requester(
    lead_client: Client,
) -> None:
    request = open_request(email=None)

    refused = lead_client.post(
        reverse("rights:extend", args=[request.pk]), {"months": "1", "reason": "Complex"}
    )
    accepted = lead_client.post(
        reverse("rights:extend", args=[request.pk]),
        {"months": "1", "reason": "Complex", "told_by_other_means": "on"},
    )

    assert refused.status_code == 400
    assert "confirm you have told them today by phone or letter" in refused.content.decode()
    assert accepted.status_code == 302
    request.refresh_from_db()
    assert request.extension_months == 1


# --- Closing a request ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_completing_a_request_records_the_outcome(lead_client: Client, lead: User) -> None:
    request = open_request()

    response = lead_client.post(
        reverse("rights:complete", args=[request.pk]), {"outcome": "Sent by secure email"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED
    assert request.completed_at is not None
    assert request.outcome == "Sent by secure email"
    entry = AuditEntry.objects.get(action="privacy.rights_request.completed")
    assert entry.actor == lead
    assert entry.details == {"kind": "access", "on_time": True}
    assert request.reference in _queue(lead_client, "completed")


@pytest.mark.django_db
def test_completing_a_paused_request_ends_its_pause(lead_client: Client) -> None:
    request = open_request()
    lead_client.post(reverse("rights:pause", args=[request.pk]), {"reason": "Which?"})

    lead_client.post(reverse("rights:complete", args=[request.pk]), {"outcome": "Answered"})

    assert RequestPause.objects.get().ended_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "field", "error"),
    [
        ("complete", "outcome", "Enter what was done to answer the request"),
        ("refuse", "reason", "Enter why the request is refused"),
        ("withdraw", "note", "Enter how the requester withdrew the request"),
    ],
)
def test_closing_needs_a_note(lead_client: Client, action: str, field: str, error: str) -> None:
    request = open_request()

    empty = lead_client.post(reverse(f"rights:{action}", args=[request.pk]), {field: ""})
    too_long = lead_client.post(reverse(f"rights:{action}", args=[request.pk]), {field: "x" * 2001})

    assert empty.status_code == too_long.status_code == 400
    assert error in empty.content.decode()
    assert "2,000 characters or fewer" in too_long.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "field", "status"),
    [("refuse", "reason", RequestStatus.REFUSED), ("withdraw", "note", RequestStatus.WITHDRAWN)],
)
def test_refusing_and_withdrawing_close_the_request(
    lead_client: Client, action: str, field: str, status: str
) -> None:
    request = open_request()

    response = lead_client.post(
        reverse(f"rights:{action}", args=[request.pk]), {field: "Manifestly excessive"}
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == status
    assert request.completed_at is not None
    assert AuditEntry.objects.filter(action=f"privacy.rights_request.{status}").count() == 1


@pytest.mark.django_db
def test_a_closed_request_cannot_be_closed_again(lead_client: Client) -> None:
    request = open_request(status=RequestStatus.COMPLETED)

    response = lead_client.post(
        reverse("rights:refuse", args=[request.pk]), {"reason": "Changed my mind"}
    )

    assert response.status_code == 400
    assert "already closed" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.COMPLETED


# --- The export ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lead_downloads_the_export_of_an_access_request(
    lead_client: Client, lead: User
) -> None:
    request = open_request(email="subject@example.org")

    response = lead_client.get(reverse("rights:export", args=[request.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    assert f'filename="{request.reference}.zip"' in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        data = json.loads(bundle.read("data.json"))
    assert "privacy.RightsRequest" in data["records"]
    entry = AuditEntry.objects.get(action="privacy.rights_request.exported")
    assert entry.actor == lead
    assert entry.target_id == str(request.pk)
    assert entry.details == {
        "person": request.person_id,
        "bytes": len(response.content),
        "withheld": 0,
    }


@pytest.mark.django_db
def test_only_an_access_request_has_an_export(lead_client: Client) -> None:
    request = open_request(kind=RequestKind.ERASURE)

    response = lead_client.get(reverse("rights:export", args=[request.pk]), follow=True)

    assert "Only an access request has an export" in response.content.decode()
    assert not AuditEntry.objects.filter(action="privacy.rights_request.exported").exists()


# --- The audit trail -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_audit_entries_hold_no_personal_data(lead_client: Client) -> None:
    request = open_request(email="private.person@example.org", full_name="Private Person")
    url = lambda action: reverse(f"rights:{action}", args=[request.pk])  # noqa: E731
    lead_client.post(url("pause"), {"reason": "Secret clarification text"})
    lead_client.post(url("resume"))
    lead_client.post(url("extend"), {"months": "1", "reason": "Secret extension reason"})
    lead_client.get(url("export"))
    lead_client.post(url("complete"), {"outcome": "Secret outcome"})

    entries = AuditEntry.objects.filter(action__startswith="privacy.rights_request.")
    assert entries.count() == 5
    text = json.dumps([[e.details, e.reason] for e in entries])
    for secret in ("private.person", "Private Person", "Secret"):
        assert secret not in text


@pytest.mark.django_db
def test_the_request_page_shows_its_pauses_extension_and_outcome(lead_client: Client) -> None:
    request = open_request()
    url = lambda action: reverse(f"rights:{action}", args=[request.pk])  # noqa: E731
    lead_client.post(url("pause"), {"reason": "Which courses <b>exactly</b>?"})
    paused = lead_client.get(url("detail")).content.decode()
    lead_client.post(url("resume"))
    lead_client.post(url("extend"), {"months": "1", "reason": "Many records"})
    lead_client.post(url("complete"), {"outcome": "Sent by secure email"})

    closed = lead_client.get(url("detail")).content.decode()

    assert "Clock stopped" in paused
    assert reverse("rights:resume", args=[request.pk]) in paused
    assert "Which courses &lt;b&gt;exactly&lt;/b&gt;?" in closed
    assert "By 1 month" in closed
    assert "Many records" in closed
    assert "Sent by secure email" in closed
    assert reverse("rights:complete", args=[request.pk]) not in closed


@pytest.mark.django_db
def test_opening_a_request_is_audited_with_its_purpose(lead: User, lead_client: Client) -> None:
    request = open_request()

    lead_client.get(reverse("rights:detail", args=[request.pk]))

    read = AuditEntry.objects.get(action="privacy.rights_request.read")
    assert (read.actor_id, read.target_id) == (lead.pk, str(request.pk))
    assert read.details == {"purpose": "handling the request"}
