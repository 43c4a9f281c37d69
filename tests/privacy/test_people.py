"""The data protection lead finds a person by name or address, sees their records in plain
words and holds them; record types are named as the inventory labels them, and framework
tables are never offered."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.inventory.declarations import all_declarations
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.privacy.people.records import may_be_held, people_search, person_declarations
from safeguarding.privacy.retention.services import legal_holds_place
from safeguarding.training.models import Booking
from tests.date_input import as_date_boxes
from tests.newsletter.factories import confirmed_subscriber
from tests.privacy.access_rights import open_request
from tests.privacy.conftest import audited, client_for
from tests.training.factories import BookingFactory, CourseFactory, SessionFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
SEARCH = "/staff/data-protection/people/"
SAM = "sam.patel@school.example.org"
FRAMEWORK = {
    "sessions.Session",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "otp_static.StaticToken",
    "django_tasks_database.DBTaskResult",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "axes.AccessAttemptExpiration",
    "accounts.StaffSession",
}


def sams_booking(**options: object) -> Booking:
    session = SessionFactory(
        course=CourseFactory(title="Working together"),
        starts_at=datetime(2027, 1, 25, 9, 30, tzinfo=LONDON),
        ends_at=datetime(2027, 1, 25, 12, 30, tzinfo=LONDON),
        bookings_close_at=datetime(2027, 1, 24, 9, 30, tzinfo=LONDON),
    )
    return BookingFactory(session=session, **{"full_name": "Sam Patel", "email": SAM, **options})


def found_keys(response_text: str) -> list[str]:
    return re.findall(r"/staff/data-protection/people/([\w-]+)/", response_text)


def open_page(client: Client, query: str) -> str:
    """Search, then open the first person found; the page's text."""
    response = client.post(SEARCH, {"query": query})
    [key, *_] = found_keys(response.content.decode())
    page = client.get(f"{SEARCH}{key}/")
    assert page.status_code == 200
    return page.content.decode()


# --- The inventory's plain words ------------------------------------------------------------


def test_no_framework_table_is_ever_offered_to_staff() -> None:
    offered = {d.model_label for d in person_declarations()}

    assert not offered & FRAMEWORK
    for declaration in all_declarations():
        if declaration.model_label in FRAMEWORK:
            assert not declaration.offered_to_staff


def test_record_types_are_named_in_plain_words() -> None:
    names = {d.model_label: d.record_type for d in person_declarations() if may_be_held(d)}

    assert names["training.Booking"] == "Training booking"
    assert names["newsletter.Subscriber"] == "Newsletter subscription"
    for label, name in names.items():
        assert "." not in name, label
        assert "_" not in name, label


def test_a_booking_reads_as_a_person_expects() -> None:
    booking = sams_booking()
    declaration = next(d for d in all_declarations() if d.model_label == "training.Booking")

    assert declaration.row_in_words(booking) == "Booking on Working together, 25 January 2027"


# --- Search ------------------------------------------------------------------------------------


def test_a_person_is_found_by_part_of_their_name_across_record_types() -> None:
    sams_booking()
    confirmed_subscriber(SAM)
    open_request(email=SAM, full_name="Sam Patel")
    BookingFactory(full_name="Someone Else")

    [match] = people_search("sam pat")

    assert match.email == SAM
    assert match.name == "Sam Patel"
    assert set(match.found_in) == {"Training booking", "Name and email address"}
    [by_address] = people_search("SAM.PATEL@school")
    assert set(by_address.found_in) == {
        "Training booking",
        "Newsletter subscription",
        "Name and email address",
    }


def test_the_search_is_posted_and_no_address_reaches_a_url(lead_client: Client) -> None:
    sams_booking()

    response = lead_client.post(SEARCH, {"query": "Sam"})

    text = response.content.decode()
    assert response.status_code == 200
    assert "Sam Patel" in text
    assert SAM in text
    [key] = found_keys(text)
    assert "sam" not in key.lower()
    assert "@" not in key
    entry = AuditEntry.objects.get(action="privacy.person_search.read")
    assert entry.details["records"] == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "Enter a name or an email address"), ("sa", "Enter at least 3 letters")],
)
def test_a_bad_search_shows_the_error_summary(
    lead_client: Client, query: str, message: str
) -> None:
    response = lead_client.post(SEARCH, {"query": query})

    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert message in text


def test_a_key_from_another_session_opens_nothing(
    lead_client: Client, make_user: Callable[..., User]
) -> None:
    sams_booking()
    [key] = found_keys(lead_client.post(SEARCH, {"query": "Sam"}).content.decode())
    other = client_for(make_user(Role.DATA_PROTECTION_LEAD))

    assert other.get(f"{SEARCH}{key}/").status_code == 404


# --- A person's page -----------------------------------------------------------------------


def test_a_persons_page_lists_their_records_in_plain_words(lead_client: Client) -> None:
    sams_booking()
    confirmed_subscriber(SAM)
    request = open_request(email=SAM, full_name="Sam Patel")

    text = open_page(lead_client, "Sam Patel")

    assert "Booking on Working together, 25 January 2027" in text
    assert "Newsletter subscription" in text
    assert request.reference in text
    assert "training.Booking" not in text
    assert "newsletter.Subscriber" not in text
    assert audited("privacy.person_records.read")


def test_an_administrator_may_look_but_not_hold(make_user: Callable[..., User]) -> None:
    sams_booking()
    client = client_for(make_user(Role.PARTNERSHIP_ADMINISTRATOR))
    [key] = found_keys(client.post(SEARCH, {"query": "Sam"}).content.decode())

    page = client.get(f"{SEARCH}{key}/").content.decode()

    assert "Hold all their records" not in page
    assert client.get(f"{SEARCH}{key}/hold/").status_code == 403


# --- Holds -------------------------------------------------------------------------------------


def hold_data(**changes: str) -> dict[str, str]:
    return as_date_boxes(
        {
            "matter": "Claim KB-2026-000123",
            "reason": "Evidence in a claim",
            "authority": "Litigation: claim ref KB-2026-000123",
            "review_date": (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y"),
            **changes,
        },
        "review_date",
    )


def test_the_lead_holds_all_of_a_persons_records_from_their_page(
    lead_client: Client, lead: User
) -> None:
    booking = sams_booking()
    subscriber = confirmed_subscriber(SAM)
    other = BookingFactory()
    response = lead_client.post(SEARCH, {"query": "Sam"})
    [key] = found_keys(response.content.decode())

    response = lead_client.post(f"{SEARCH}{key}/hold/", hold_data())

    assert response.status_code == 302
    assert response["Location"] == f"{SEARCH}{key}/"
    held = {(h.model_label, h.object_id) for h in LegalHold.objects.active()}
    assert ("training.Booking", str(booking.pk)) in held
    assert ("newsletter.Subscriber", str(subscriber.pk)) in held
    assert ("training.Booking", str(other.pk)) not in held
    assert all(h.scope_label == "Claim KB-2026-000123" for h in LegalHold.objects.all())
    assert len(audited("privacy.retention.hold_placed")) == len(held)
    page = lead_client.get(f"{SEARCH}{key}/").content.decode()
    assert "Under a legal hold" in page
    holds_page = lead_client.get("/staff/retention/holds/").content.decode()
    assert "Claim KB-2026-000123" in holds_page
    assert "Training booking: booking on Working together, 25 January 2027" in holds_page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"matter": ""}, "Enter the matter the records are kept for"),
        ({"reason": ""}, "Enter why the record must be kept"),
        ({"authority": ""}, "Enter the authority for the hold"),
        ({"review_date": "31/02/2027"}, "The review date must be a real date"),
        ({"review_date": "01/01/2020"}, "The review date must be in the future"),
    ],
)
def test_bad_hold_input_holds_nothing(
    lead_client: Client, changes: dict[str, str], message: str
) -> None:
    sams_booking()
    [key] = found_keys(lead_client.post(SEARCH, {"query": "Sam"}).content.decode())

    response = lead_client.post(f"{SEARCH}{key}/hold/", hold_data(**changes))

    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert message in text
    assert not LegalHold.objects.exists()


def test_holding_again_for_the_same_matter_holds_nothing_twice(lead: User) -> None:
    sams_booking()
    details = {
        "matter": "Claim 1",
        "reason": "Claim",
        "authority": "Litigation",
        "review_date": timezone.localdate() + timedelta(days=9),
    }
    first = legal_holds_place(subjects=[SubjectKey.for_email(SAM)], actor=lead, **details)

    with pytest.raises(Exception, match="already held for this matter"):
        legal_holds_place(subjects=[SubjectKey.for_email(SAM)], actor=lead, **details)

    assert LegalHold.objects.count() == len(first)


def test_the_lead_holds_a_requests_records_and_the_request(lead_client: Client) -> None:
    booking = sams_booking()
    request = open_request(email=SAM)

    response = lead_client.post(f"/staff/rights-requests/{request.pk}/hold/", hold_data())

    assert response.status_code == 302
    held = {(h.model_label, h.object_id) for h in LegalHold.objects.active()}
    assert ("training.Booking", str(booking.pk)) in held
    assert ("privacy.RightsRequest", str(request.pk)) in held


def test_the_lead_holds_several_peoples_records_for_a_matter(lead_client: Client) -> None:
    booking = sams_booking()
    other = BookingFactory(email="jo@health.example.org")

    response = lead_client.post(
        "/staff/retention/holds/new/",
        hold_data(people=f"{SAM}\n\n jo@health.example.org \n"),
    )

    assert response.status_code == 302
    held = {(h.model_label, h.object_id) for h in LegalHold.objects.active()}
    assert {("training.Booking", str(booking.pk)), ("training.Booking", str(other.pk))} <= held


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ("", "Enter the email address of at least one person"),
        ("sam patel", "Enter each email address on its own line"),
        ("nobody@example.org", "We hold no records about this person"),
    ],
)
def test_bad_matter_input_holds_nothing(lead_client: Client, people: str, message: str) -> None:
    response = lead_client.post("/staff/retention/holds/new/", hold_data(people=people))

    assert response.status_code == 400
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert message in text
    assert not LegalHold.objects.exists()


# --- Retention pages in plain words ---------------------------------------------------------


def test_the_retention_pages_name_rules_and_record_types_in_plain_words(
    lead_client: Client,
) -> None:
    page = lead_client.get("/staff/retention/").content.decode()

    assert "Training booking; training certificate; training charge" in page
    assert "Background task" in page
    shown = re.sub(r'href="[^"]*"', "", page)  # a rule's key may name its page's address
    for internal in ("training.Booking", "training_record", "task_results", "DBTaskResult"):
        assert internal not in shown, internal
    assert page.count('class="app-table-container"') >= 1


def test_releasing_a_hold_names_the_record_in_words(lead_client: Client, lead: User) -> None:
    sams_booking()
    [hold] = legal_holds_place(
        subjects=[SubjectKey.for_email(SAM)],
        actor=lead,
        matter="Claim 1",
        reason="Claim",
        authority="Litigation",
        review_date=timezone.localdate() + timedelta(days=9),
    )

    page = lead_client.get(f"/staff/retention/holds/{hold.pk}/release/").content.decode()

    assert "Training booking: booking on Working together, 25 January 2027" in page
