"""The data protection lead's retention pages: rules, periods, legal holds (P08)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.retention import HoldRelease, LegalHold, RetentionSetting
from safeguarding.privacy.retention.engine import retention_sweep
from safeguarding.privacy.retention.services import legal_hold_place, legal_hold_release_approve
from safeguarding.workspaces.models import Membership
from tests.conftest import sign_in
from tests.date_input import as_date_boxes
from tests.training.factories import BookingFactory
from tests.workspaces.factories import sample_membership

pytestmark = pytest.mark.django_db

OVERVIEW = "/staff/retention/"
HOLDS = "/staff/retention/holds/"
PLACE = "/staff/retention/holds/new/"


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD)


@pytest.fixture
def lead_client(lead: User) -> Client:
    client = Client()
    sign_in(client, lead)
    return client


@pytest.fixture
def record(make_user: Callable[..., User]) -> Membership:
    return sample_membership(make_user)


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def in_a_month() -> str:
    return (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y")


# --- The overview ------------------------------------------------------------------------------


def test_the_lead_sees_rules_forecast_and_receipts(lead_client: Client) -> None:
    DBTaskResult.objects.create(
        args_kwargs={},
        task_path="x",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now() - timedelta(days=30),
        status="SUCCESSFUL",
    )
    DBTaskResult.objects.create(
        args_kwargs={},
        task_path="x",
        backend_name="default",
        run_after=timezone.now(),
        finished_at=timezone.now() - timedelta(days=3),
        status="SUCCESSFUL",
    )
    retention_sweep()

    response = lead_client.get(OVERVIEW)

    assert response.status_code == 200
    page = response.content.decode()
    assert "task_results" in page
    assert "The task finishes" in page
    assert "7 days" in page
    assert "Not automated" not in page  # every rule that disposes of records is automated
    assert "Due in the next 30 days" in page
    assert "Background task" in page  # in words, in the forecast and the receipts
    assert "django_tasks_database.DBTaskResult" not in page
    assert "The sweep last ran on" in page
    assert 'href="/staff/retention/rules/task_results/"' in page


def test_an_administrator_may_look_but_not_change(
    make_user: Callable[..., User],
) -> None:
    client = Client()
    sign_in(client, make_user(Role.PARTNERSHIP_ADMINISTRATOR))

    page = client.get(OVERVIEW).content.decode()

    assert "Retention and disposal" in page
    assert "/staff/retention/rules/" not in page
    assert client.post("/staff/retention/rules/task_results/", {"days": 3}).status_code == 403
    assert not RetentionSetting.objects.exists()


# --- Changing a rule's period ------------------------------------------------------------------


def test_the_lead_changes_a_period_with_a_reason(lead_client: Client, lead: User) -> None:
    response = lead_client.post(
        "/staff/retention/rules/task_results/",
        {"days": "14", "reason": "Longer diagnosis window agreed with the council"},
    )

    assert response.status_code == 302
    setting = RetentionSetting.objects.get(rule_key="task_results")
    assert (setting.days, setting.changed_by) == (14, lead)
    entry = AuditEntry.objects.get(action="privacy.retention.rule_changed")
    assert entry.actor == lead
    assert entry.details == {"rule": "task_results", "from_days": 7, "to_days": 14}
    assert entry.reason == "Longer diagnosis window agreed with the council"
    assert "14 days" in lead_client.get(OVERVIEW).content.decode()


def test_a_second_change_is_recorded_from_the_first(lead_client: Client) -> None:
    url = "/staff/retention/rules/task_results/"
    lead_client.post(url, {"days": "14", "reason": "First"})
    lead_client.post(url, {"days": "21", "reason": "Second"})

    assert RetentionSetting.objects.get().days == 21
    last = AuditEntry.objects.filter(action="privacy.retention.rule_changed").last()
    assert last is not None
    assert last.details == {"rule": "task_results", "from_days": 14, "to_days": 21}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"days": "14", "reason": ""}, "Enter why the period is changing"),
        ({"days": "14", "reason": "   "}, "Enter why the period is changing"),
        ({"days": "0", "reason": "Shorter"}, "at least 1 day"),
        ({"days": "7301", "reason": "Longer"}, "at most 7300 days"),
        ({"days": "two", "reason": "Longer"}, "whole number"),
    ],
)
def test_a_bad_period_change_gives_errors_and_changes_nothing(
    lead_client: Client, data: dict[str, str], message: str
) -> None:
    response = lead_client.post("/staff/retention/rules/task_results/", data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    assert not RetentionSetting.objects.exists()
    assert audited("privacy.retention.rule_changed") == 0


def test_a_keep_rule_cannot_be_changed(lead_client: Client) -> None:
    url = "/staff/retention/rules/audit_trail/"
    assert "has no period to change" in lead_client.get(url).content.decode()

    response = lead_client.post(url, {"days": "30", "reason": "Tidy up"})

    assert response.status_code == 400
    assert "has no period to change" in response.content.decode()
    assert not RetentionSetting.objects.exists()
    assert audited("privacy.retention.rule_changed") == 0


def test_an_unknown_rule_is_not_found(lead_client: Client) -> None:
    assert lead_client.get("/staff/retention/rules/forever/").status_code == 404


# --- Legal holds -------------------------------------------------------------------------------


LEARNER = "learner@school.example.org"


def place_data(**changes: str) -> dict[str, str]:
    return as_date_boxes(
        {
            "matter": "Claim KB-2026-000123",
            "people": LEARNER,
            "reason": "Needed as evidence in a claim",
            "authority": "Litigation: claim ref KB-2026-000123",
            "review_date": in_a_month(),
            **changes,
        },
        "review_date",
    )


def test_the_lead_holds_a_persons_records_for_a_matter(lead_client: Client, lead: User) -> None:
    booking = BookingFactory(email=LEARNER)

    response = lead_client.post(PLACE, place_data())

    assert response.status_code == 302
    hold = LegalHold.objects.get()
    assert hold.is_active
    assert (hold.model_label, hold.object_id) == ("training.Booking", str(booking.pk))
    assert hold.placed_by == lead
    assert hold.authority == "Litigation: claim ref KB-2026-000123"
    entry = AuditEntry.objects.get(action="privacy.retention.hold_placed")
    assert (entry.target_type, entry.target_id) == ("privacy.legalhold", str(hold.pk))
    assert "KB-2026-000123" in lead_client.get(HOLDS).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"matter": ""}, "Enter the matter the records are kept for"),
        ({"reason": ""}, "Enter why the record must be kept"),
        ({"authority": ""}, "Enter the authority for the hold"),
        ({"review_date": ""}, "Enter the review date"),
        ({"review_date": "31/02/2027"}, "The review date must be a real date"),
        ({"review_date": "01/01/2020"}, "The review date must be in the future"),
        ({"people": "someone.else@example.org"}, "We hold no records about this person"),
        ({"people": "not an address"}, "Enter each email address on its own line"),
    ],
)
def test_bad_hold_input_gives_errors_and_places_nothing(
    lead_client: Client, changes: dict[str, str], message: str
) -> None:
    BookingFactory(email=LEARNER)

    response = lead_client.post(PLACE, place_data(**changes))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LegalHold.objects.exists()
    assert audited("privacy.retention.hold_placed") == 0


def test_today_is_not_a_future_review_date(lead_client: Client) -> None:
    BookingFactory(email=LEARNER)
    today = timezone.localdate().strftime("%d/%m/%Y")

    response = lead_client.post(PLACE, place_data(review_date=today))

    assert "The review date must be in the future" in response.content.decode()
    assert not LegalHold.objects.exists()


def test_the_lead_asks_for_a_hold_to_be_released_with_a_reason(
    lead_client: Client, lead: User, record, make_user: Callable[..., User]
) -> None:
    hold = legal_hold_place(
        model_label="workspaces.Membership",
        record_id=str(record.pk),
        reason="Claim",
        authority="Litigation",
        review_date=timezone.localdate() + timedelta(days=5),
        actor=lead,
    )

    response = lead_client.post(
        f"/staff/retention/holds/{hold.pk}/release/", {"reason": "Claim settled"}
    )

    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.is_active  # until a second person approves
    assert audited("privacy.retention.hold_release_requested") == 1
    legal_hold_release_approve(
        release=HoldRelease.objects.get(), actor=make_user(Role.PARTNERSHIP_ADMINISTRATOR)
    )
    hold.refresh_from_db()
    assert not hold.is_active
    assert (hold.released_by, hold.release_reason) == (lead, "Claim settled")
    assert audited("privacy.retention.hold_released") == 1
    # Released holds are no longer releasable.
    assert lead_client.get(f"/staff/retention/holds/{hold.pk}/release/").status_code == 404


def test_a_release_without_a_reason_changes_nothing(lead_client: Client, lead, record) -> None:
    hold = legal_hold_place(
        model_label="workspaces.Membership",
        record_id=str(record.pk),
        reason="Claim",
        authority="Litigation",
        review_date=timezone.localdate() + timedelta(days=5),
        actor=lead,
    )

    response = lead_client.post(f"/staff/retention/holds/{hold.pk}/release/", {"reason": ""})

    assert response.status_code == 400
    assert "Enter why the hold is being released" in response.content.decode()
    hold.refresh_from_db()
    assert hold.is_active
    assert not HoldRelease.objects.exists()
    assert audited("privacy.retention.hold_released") == 0
