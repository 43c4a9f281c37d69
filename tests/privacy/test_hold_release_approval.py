"""Releasing a legal hold takes two people: the hold stays in force, and the sweep keeps the
record, until a different data protection lead or administrator approves the release."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.retention import HoldRelease, LegalHold, ProposalStatus
from safeguarding.privacy.retention.engine import retention_sweep
from safeguarding.privacy.retention.services import (
    legal_hold_release_approve,
    legal_hold_release_reject,
    legal_hold_release_request,
    legal_hold_release_withdraw,
)
from tests.privacy.conftest import audited, client_for, finished_task

pytestmark = pytest.mark.django_db

RELEASES = "/staff/retention/holds/releases/"


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD, full_name="Priya Proposer")


def held(record: DBTaskResult, *, by: User) -> LegalHold:
    return LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(DBTaskResult),
        object_id=str(record.pk),
        reason="Claim about this task",
        authority="Claim 42",
        review_date=timezone.localdate() + timedelta(days=30),
        placed_by=by,
    )


def ask(hold: LegalHold, actor: User, reason: str = "Claim settled") -> HoldRelease:
    return legal_hold_release_request(hold=hold, reason=reason, actor=actor)


def exists(record: DBTaskResult) -> bool:
    return DBTaskResult.objects.filter(pk=record.pk).exists()


# --- Asking keeps the hold in force ------------------------------------------------------------


def test_asking_for_a_release_keeps_the_hold_in_force_and_is_audited(lead: User) -> None:
    hold = held(finished_task(days_ago=30), by=lead)

    response = client_for(lead).post(
        f"/staff/retention/holds/{hold.pk}/release/", {"reason": "Claim settled"}, follow=True
    )

    page = response.content.decode()
    assert "A second data protection lead or administrator must approve the release" in page
    hold.refresh_from_db()
    assert hold.is_active
    release = HoldRelease.objects.get()
    assert (release.hold, release.status, release.proposed_by) == (
        hold,
        ProposalStatus.PENDING,
        lead,
    )
    [entry] = audited("privacy.retention.hold_release_requested")
    assert (entry.actor, entry.reason) == (lead, "Claim settled")
    assert entry.details == {"hold": hold.pk, "past_its_period": True}
    assert not audited("privacy.retention.hold_released")


def test_a_pending_release_deletes_nothing_when_the_sweep_runs(
    lead: User, second_lead: User
) -> None:
    record = finished_task(days_ago=30)
    release = ask(held(record, by=lead), lead)

    retention_sweep()

    assert exists(record)

    legal_hold_release_approve(release=release, actor=second_lead)
    retention_sweep()

    assert not exists(record)


def test_only_one_release_per_hold_may_wait_at_a_time(lead: User, second_lead: User) -> None:
    hold = held(finished_task(days_ago=30), by=lead)
    ask(hold, lead)

    with pytest.raises(ValidationError, match="already waiting for approval"):
        ask(hold, second_lead)
    assert HoldRelease.objects.count() == 1


def test_the_holds_page_shows_a_release_waiting_instead_of_the_release_link(
    lead: User,
) -> None:
    hold = held(finished_task(days_ago=30), by=lead)
    ask(hold, lead)

    page = client_for(lead).get("/staff/retention/holds/").content.decode()

    assert "Release waiting for approval" in page
    assert f"/staff/retention/holds/{hold.pk}/release/" not in page
    assert "1 release waiting for approval" in page


# --- What the approver sees --------------------------------------------------------------------


def test_the_approver_sees_that_the_next_sweep_would_dispose_of_a_record_past_its_period(
    lead: User, second_lead: User, clock
) -> None:
    clock.move_to(datetime(2026, 12, 7, 10, 0, tzinfo=timezone.get_current_timezone()))
    ask(held(finished_task(days_ago=30), by=lead), lead)

    page = client_for(second_lead).get(RELEASES).content.decode()

    assert "Priya Proposer, 7 December 2026" in page
    assert "Claim settled" in page
    assert "Claim 42" in page
    assert (
        "The record is past its retention period (7 days), so the next nightly sweep will "
        "delete it." in page
    )
    assert "django_tasks_database" not in page  # no model names on the page


def test_the_approver_sees_that_a_record_not_yet_due_would_stay_for_now(
    lead: User, second_lead: User
) -> None:
    ask(held(finished_task(days_ago=2), by=lead), lead)

    page = client_for(second_lead).get(RELEASES).content.decode()

    assert "Nothing yet: the record is not past its retention period (7 days)" in page


def test_the_approver_sees_when_another_hold_keeps_the_record(
    lead: User, second_lead: User
) -> None:
    record = finished_task(days_ago=30)
    ask(held(record, by=lead), lead)
    held(record, by=second_lead)

    page = client_for(second_lead).get(RELEASES).content.decode()

    assert "Nothing: another legal hold keeps the record." in page


# --- Approval ----------------------------------------------------------------------------------


def test_a_second_lead_approves_and_the_hold_is_released(lead: User, second_lead: User) -> None:
    hold = held(finished_task(days_ago=30), by=lead)
    release = ask(hold, lead)
    client = client_for(second_lead)
    assert f"/staff/retention/holds/releases/{release.pk}/approve/" in (
        client.get(RELEASES).content.decode()
    )

    response = client.post(f"/staff/retention/holds/releases/{release.pk}/approve/", follow=True)

    page = response.content.decode()
    assert "The hold is released" in page
    assert "govuk-notification-banner--success" in page
    hold.refresh_from_db()
    assert not hold.is_active
    assert (hold.released_by, hold.release_reason) == (lead, "Claim settled")
    release.refresh_from_db()
    assert (release.status, release.decided_by) == (ProposalStatus.APPROVED, second_lead)
    [approved] = audited("privacy.retention.hold_release_approved")
    assert approved.actor == second_lead
    assert approved.details == {"hold": hold.pk, "past_its_period": True}
    [released] = audited("privacy.retention.hold_released")
    assert released.actor == second_lead
    assert released.details == {"release": release.pk}


def test_an_administrator_may_approve(lead: User, make_user: Callable[..., User]) -> None:
    hold = held(finished_task(days_ago=30), by=lead)

    legal_hold_release_approve(
        release=ask(hold, lead), actor=make_user(Role.PARTNERSHIP_ADMINISTRATOR)
    )

    hold.refresh_from_db()
    assert not hold.is_active


def test_the_requester_cannot_approve_their_own_release(lead: User) -> None:
    hold = held(finished_task(days_ago=30), by=lead)
    release = ask(hold, lead)
    client = client_for(lead)

    page = client.get(RELEASES).content.decode()
    assert "/approve/" not in page
    assert "/reject/" not in page
    assert f"/staff/retention/holds/releases/{release.pk}/withdraw/" in page
    assert "You asked for this release: a second person must approve it." in page
    with pytest.raises(ValidationError, match="a second person must approve it"):
        legal_hold_release_approve(release=release, actor=lead)
    response = client.post(f"/staff/retention/holds/releases/{release.pk}/approve/", follow=True)

    assert "You asked for this release: a second person must approve it." in (
        response.content.decode()
    )
    hold.refresh_from_db()
    assert hold.is_active
    release.refresh_from_db()
    assert release.status == ProposalStatus.PENDING
    assert len(audited("privacy.retention.hold_release_own_approval_refused")) == 2
    assert not audited("privacy.retention.hold_released")


def test_a_decided_release_cannot_be_approved_again(lead: User, second_lead: User) -> None:
    release = ask(held(finished_task(days_ago=30), by=lead), lead)
    legal_hold_release_approve(release=release, actor=second_lead)

    with pytest.raises(ValidationError, match="already been decided"):
        legal_hold_release_approve(release=release, actor=second_lead)
    url = f"/staff/retention/holds/releases/{release.pk}/approve/"
    assert client_for(second_lead).post(url).status_code == 404


def test_only_a_data_protection_lead_or_administrator_may_approve(
    lead: User, make_user: Callable[..., User]
) -> None:
    release = ask(held(finished_task(days_ago=30), by=lead), lead)

    with pytest.raises(ValidationError, match="Only a data protection lead or administrator"):
        legal_hold_release_approve(release=release, actor=make_user(Role.TRAINING_COORDINATOR))


# --- Rejecting and withdrawing -----------------------------------------------------------------


def test_a_second_lead_rejects_with_a_reason_and_the_hold_stays(
    lead: User, second_lead: User
) -> None:
    hold = held(finished_task(days_ago=30), by=lead)
    release = ask(hold, lead)
    client = client_for(second_lead)
    url = f"/staff/retention/holds/releases/{release.pk}/reject/"
    assert "Why are you rejecting this release?" in client.get(url).content.decode()

    empty = client.post(url, {"reason": " "})
    assert "Enter why you are rejecting the release" in empty.content.decode()
    assert "govuk-error-summary" in empty.content.decode()

    response = client.post(url, {"reason": "The claim is still open"}, follow=True)

    assert "The release is rejected: the hold stays in place." in response.content.decode()
    release.refresh_from_db()
    assert (release.status, release.decision_reason) == (
        ProposalStatus.REJECTED,
        "The claim is still open",
    )
    [entry] = audited("privacy.retention.hold_release_rejected")
    assert (entry.actor, entry.reason) == (second_lead, "The claim is still open")
    hold.refresh_from_db()
    assert hold.is_active
    ask(hold, lead)  # once decided, a release may be asked for again


def test_the_requester_cannot_reject_their_own_release(lead: User) -> None:
    release = ask(held(finished_task(days_ago=30), by=lead), lead)

    with pytest.raises(ValidationError, match="withdraw it instead"):
        legal_hold_release_reject(release=release, reason="Changed my mind", actor=lead)


def test_the_requester_withdraws_and_only_they_may(lead: User, second_lead: User) -> None:
    hold = held(finished_task(days_ago=30), by=lead)
    release = ask(hold, lead)
    with pytest.raises(ValidationError, match="Only the person who asked"):
        legal_hold_release_withdraw(release=release, actor=second_lead)

    response = client_for(lead).post(
        f"/staff/retention/holds/releases/{release.pk}/withdraw/", follow=True
    )

    assert "You withdrew the release: the hold stays in place." in response.content.decode()
    release.refresh_from_db()
    assert (release.status, release.decided_by) == (ProposalStatus.WITHDRAWN, lead)
    assert len(audited("privacy.retention.hold_release_withdrawn")) == 1
    hold.refresh_from_db()
    assert hold.is_active


# --- Retention of the decisions themselves -----------------------------------------------------


def test_a_long_decided_release_is_anonymised_like_its_hold(lead: User, second_lead: User) -> None:
    release = ask(held(finished_task(days_ago=2), by=lead), lead, reason="Settled by Jane Example")
    legal_hold_release_reject(release=release, reason="Jane Example disagrees", actor=second_lead)
    HoldRelease.objects.filter(pk=release.pk).update(
        decided_at=timezone.now() - timedelta(days=365 * 6 + 1)
    )

    retention_sweep()

    release.refresh_from_db()
    assert (release.reason, release.decision_reason) == ("[removed]", "")
    assert (release.proposed_by, release.decided_by) == (None, None)
    assert release.status == ProposalStatus.REJECTED
