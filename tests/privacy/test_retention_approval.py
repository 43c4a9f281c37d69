"""Destroying records takes two people: a shorter retention period waits for a second data
protection lead or administrator to approve it, and no period goes below a rule's minimum."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.config.env import env_int_mapping
from safeguarding.privacy.models.retention import (
    LegalHold,
    ProposalStatus,
    RetentionProposal,
    RetentionSetting,
)
from safeguarding.privacy.retention.engine import (
    effective_periods,
    retention_change_impact,
    retention_sweep,
)
from safeguarding.privacy.retention.services import (
    retention_period_change,
    retention_period_propose,
    retention_proposal_approve,
    retention_proposal_reject,
    retention_proposal_withdraw,
)
from tests.privacy.conftest import audited, client_for, finished_task

pytestmark = pytest.mark.django_db

RULE = "/staff/retention/rules/task_results/"
PROPOSALS = "/staff/retention/proposals/"


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD, full_name="Priya Proposer")


def propose(actor: User, *, days: int = 2, reason: str = "Council schedule") -> RetentionProposal:
    return retention_period_propose(rule_key="task_results", days=days, reason=reason, actor=actor)


# --- Shortening needs a second person; lengthening does not ------------------------------------


def test_shortening_a_period_makes_a_proposal_and_changes_nothing_yet(lead: User) -> None:
    finished_task(days_ago=3)

    response = client_for(lead).post(RULE, {"days": "2", "reason": "Council schedule"})

    assert response.status_code == 302
    assert response["Location"] == PROPOSALS
    assert not RetentionSetting.objects.exists()
    assert effective_periods()["task_results"] == 7
    proposal = RetentionProposal.objects.get()
    assert (proposal.rule_key, proposal.from_days, proposal.to_days) == ("task_results", 7, 2)
    assert (proposal.status, proposal.proposed_by) == (ProposalStatus.PENDING, lead)
    [entry] = audited("privacy.retention.period_proposed")
    assert entry.actor == lead
    assert entry.reason == "Council schedule"
    assert entry.details["to_days"] == 2
    assert entry.details["newly_due"] == {"django_tasks_database.DBTaskResult": 1}
    assert not audited("privacy.retention.rule_changed")


def test_the_service_refuses_to_shorten_a_period_alone(lead: User) -> None:
    with pytest.raises(ValidationError, match="second person"):
        retention_period_change(rule_key="task_results", days=2, reason="Tidy", actor=lead)

    assert not RetentionSetting.objects.exists()


def test_lengthening_a_period_takes_effect_at_once(lead: User) -> None:
    response = client_for(lead).post(RULE, {"days": "14", "reason": "Longer diagnosis window"})

    assert response.status_code == 302
    assert effective_periods()["task_results"] == 14
    assert not RetentionProposal.objects.exists()
    assert len(audited("privacy.retention.rule_changed")) == 1


def test_the_proposal_shows_what_the_next_sweep_would_dispose_of(
    lead: User, second_lead: User, clock
) -> None:
    clock.move_to(datetime(2026, 12, 7, 10, 0, tzinfo=timezone.get_current_timezone()))
    finished_task(days_ago=30)  # due already: not counted
    finished_task(days_ago=4)
    finished_task(days_ago=3)
    held = finished_task(days_ago=5)
    LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(DBTaskResult),
        object_id=str(held.pk),
        reason="Claim",
        authority="Litigation",
        review_date=timezone.localdate() + timedelta(days=30),
        placed_by=lead,
    )
    finished_task(days_ago=1)  # not due under either period
    propose(lead)

    page = client_for(second_lead).get(PROPOSALS).content.decode()

    assert "Priya Proposer" in page
    assert "Council schedule" in page
    assert "7 December 2026" in page
    assert "7 days" in page
    assert "2 days" in page
    assert "Task Results: 2 records deleted (1 more kept by a legal hold)" in page
    assert "django_tasks_database" not in page  # no model names on the page
    [line] = retention_change_impact(rule_key="task_results", days=2)
    assert (line.newly_due, line.held) == (2, 1)


def test_a_pending_shortening_deletes_nothing_when_the_sweep_runs(
    lead: User, second_lead: User
) -> None:
    record = finished_task(days_ago=3)
    proposal = propose(lead)

    retention_sweep()

    assert DBTaskResult.objects.filter(pk=record.pk).exists()

    retention_proposal_approve(proposal=proposal, actor=second_lead)
    retention_sweep()

    assert not DBTaskResult.objects.filter(pk=record.pk).exists()


def test_only_one_proposal_per_rule_may_wait_at_a_time(lead: User, second_lead: User) -> None:
    propose(lead)

    with pytest.raises(ValidationError, match="already waiting"):
        propose(second_lead, days=3)

    response = client_for(second_lead).post(RULE, {"days": "3", "reason": "Other"})
    assert "already waiting" in response.content.decode()
    assert RetentionProposal.objects.count() == 1


# --- Approval ----------------------------------------------------------------------------------


def test_a_second_lead_approves_and_the_period_changes(lead: User, second_lead: User) -> None:
    finished_task(days_ago=3)
    proposal = propose(lead)
    client = client_for(second_lead)
    page = client.get(PROPOSALS).content.decode()
    assert f"/staff/retention/proposals/{proposal.pk}/approve/" in page

    response = client.post(f"/staff/retention/proposals/{proposal.pk}/approve/", follow=True)

    assert "The period for Background task is now 2 days." in response.content.decode()
    assert "govuk-notification-banner--success" in response.content.decode()
    assert effective_periods()["task_results"] == 2
    setting = RetentionSetting.objects.get()
    assert (setting.days, setting.reason, setting.changed_by) == (2, "Council schedule", lead)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.APPROVED, second_lead)
    [approved] = audited("privacy.retention.proposal_approved")
    assert approved.actor == second_lead
    assert approved.details["newly_due"] == {"django_tasks_database.DBTaskResult": 1}
    [changed] = audited("privacy.retention.rule_changed")
    assert changed.actor == second_lead
    assert changed.details == {
        "rule": "task_results",
        "from_days": 7,
        "to_days": 2,
        "proposal": proposal.pk,
    }


def test_an_administrator_may_approve(lead: User, make_user: Callable[..., User]) -> None:
    proposal = propose(lead)

    retention_proposal_approve(proposal=proposal, actor=make_user(Role.PARTNERSHIP_ADMINISTRATOR))

    assert effective_periods()["task_results"] == 2


def test_the_proposer_cannot_approve_their_own_proposal(lead: User) -> None:
    proposal = propose(lead)
    client = client_for(lead)

    page = client.get(PROPOSALS).content.decode()
    assert "/approve/" not in page
    assert "/reject/" not in page
    assert f"/staff/retention/proposals/{proposal.pk}/withdraw/" in page
    with pytest.raises(ValidationError, match="a second person must approve it"):
        retention_proposal_approve(proposal=proposal, actor=lead)
    response = client.post(f"/staff/retention/proposals/{proposal.pk}/approve/", follow=True)

    assert "You proposed this change: a second person must approve it." in (
        response.content.decode()
    )
    assert effective_periods()["task_results"] == 7
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert len(audited("privacy.retention.own_approval_refused")) == 2
    assert not audited("privacy.retention.proposal_approved")


def test_approval_is_refused_when_the_period_changed_meanwhile(
    lead: User, second_lead: User
) -> None:
    proposal = propose(lead)
    retention_period_change(rule_key="task_results", days=10, reason="Longer", actor=lead)

    response = client_for(second_lead).post(
        f"/staff/retention/proposals/{proposal.pk}/approve/", follow=True
    )

    assert "The period has changed since this was proposed; propose again" in (
        response.content.decode()
    )
    assert effective_periods()["task_results"] == 10
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    assert not audited("privacy.retention.proposal_approved")


def test_a_decided_proposal_cannot_be_approved_again(lead: User, second_lead: User) -> None:
    proposal = propose(lead)
    retention_proposal_approve(proposal=proposal, actor=second_lead)

    with pytest.raises(ValidationError, match="already been decided"):
        retention_proposal_approve(proposal=proposal, actor=second_lead)
    assert (
        client_for(second_lead)
        .post(f"/staff/retention/proposals/{proposal.pk}/approve/")
        .status_code
        == 404
    )


# --- Rejecting and withdrawing -----------------------------------------------------------------


def test_a_second_lead_rejects_with_a_reason(lead: User, second_lead: User) -> None:
    proposal = propose(lead)
    client = client_for(second_lead)
    url = f"/staff/retention/proposals/{proposal.pk}/reject/"
    assert "Why are you rejecting this change?" in client.get(url).content.decode()

    empty = client.post(url, {"reason": "  "})
    assert "Enter why you are rejecting the change" in empty.content.decode()
    assert "govuk-error-summary" in empty.content.decode()

    response = client.post(url, {"reason": "The schedule says 7 days"}, follow=True)

    assert "The change is rejected: the period stays 7 days." in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.REJECTED, second_lead)
    assert proposal.decision_reason == "The schedule says 7 days"
    [entry] = audited("privacy.retention.proposal_rejected")
    assert (entry.actor, entry.reason) == (second_lead, "The schedule says 7 days")
    assert effective_periods()["task_results"] == 7
    # Once decided, the rule may be proposed again.
    propose(lead, days=3)


def test_the_proposer_cannot_reject_their_own_proposal(lead: User) -> None:
    proposal = propose(lead)

    with pytest.raises(ValidationError, match="withdraw it instead"):
        retention_proposal_reject(proposal=proposal, reason="Changed my mind", actor=lead)


def test_the_proposer_withdraws_a_pending_proposal(lead: User) -> None:
    proposal = propose(lead)

    response = client_for(lead).post(
        f"/staff/retention/proposals/{proposal.pk}/withdraw/", follow=True
    )

    assert "You withdrew the change: the period stays 7 days." in response.content.decode()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.WITHDRAWN, lead)
    assert len(audited("privacy.retention.proposal_withdrawn")) == 1
    assert effective_periods()["task_results"] == 7


def test_only_the_proposer_may_withdraw(lead: User, second_lead: User) -> None:
    proposal = propose(lead)

    with pytest.raises(ValidationError, match="Only the person who proposed"):
        retention_proposal_withdraw(proposal=proposal, actor=second_lead)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_the_rules_page_links_to_the_changes_waiting(lead: User, second_lead: User) -> None:
    propose(lead)

    page = client_for(second_lead).get("/staff/retention/").content.decode()

    assert f'href="{PROPOSALS}"' in page
    assert "1 change waiting for approval" in page


# --- Minimum periods ---------------------------------------------------------------------------


def test_statutory_minimums_are_set_by_default() -> None:
    assert settings.RETENTION_MINIMUM_DAYS["disclosure"] == 365 * 6
    assert settings.RETENTION_MINIMUM_DAYS["rights_request"] == 365 * 2


def test_the_minimum_is_enforced_by_the_service(lead: User, settings) -> None:
    settings.RETENTION_MINIMUM_DAYS = {"task_results": 5}
    message = "Enter a number of days of at least 5; this record type must be kept for at least 5"

    with pytest.raises(ValidationError, match=message):
        propose(lead, days=4)
    propose(lead, days=5)
    RetentionProposal.objects.all().delete()
    RetentionSetting.objects.create(rule_key="task_results", days=2, reason="Before the minimum")
    with pytest.raises(ValidationError, match=message):  # longer than 2 days, but not enough
        retention_period_change(rule_key="task_results", days=4, reason="x", actor=lead)
    retention_period_change(rule_key="task_results", days=5, reason="x", actor=lead)


def test_a_statutory_minimum_is_enforced_even_with_approval(
    lead: User, second_lead: User, settings
) -> None:
    proposal = propose(lead, days=3)
    settings.RETENTION_MINIMUM_DAYS = {"task_results": 5}

    with pytest.raises(ValidationError, match="at least 5"):
        retention_proposal_approve(proposal=proposal, actor=second_lead)
    assert effective_periods()["task_results"] == 7


def test_the_form_shows_the_minimum_as_an_error(lead: User) -> None:
    response = client_for(lead).post(
        "/staff/retention/rules/disclosure/", {"days": "365", "reason": "Shorter"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert (
        "Enter a number of days of at least 2190; this record type must be kept for at "
        "least 2190 days" in page
    )
    assert not RetentionProposal.objects.exists()


def test_the_sweep_never_uses_a_period_below_the_minimum(lead: User, settings) -> None:
    RetentionSetting.objects.create(rule_key="task_results", days=2, reason="Before the minimum")
    settings.RETENTION_MINIMUM_DAYS = {"task_results": 5}
    record = finished_task(days_ago=3)

    retention_sweep()

    assert effective_periods()["task_results"] == 5
    assert DBTaskResult.objects.filter(pk=record.pk).exists()


def test_minimums_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = {"disclosure": 2190, "rights_request": 730}
    monkeypatch.setenv("RETENTION_MINIMUM_DAYS", "rights_request=1095, task_results=3")

    assert env_int_mapping("RETENTION_MINIMUM_DAYS", defaults, minimum=1) == {
        "disclosure": 2190,
        "rights_request": 1095,
        "task_results": 3,
    }
    monkeypatch.setenv("RETENTION_MINIMUM_DAYS", "rights_request=two")
    with pytest.raises(ImproperlyConfigured, match="RETENTION_MINIMUM_DAYS"):
        env_int_mapping("RETENTION_MINIMUM_DAYS", defaults, minimum=1)
    monkeypatch.setenv("RETENTION_MINIMUM_DAYS", "rights_request=0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int_mapping("RETENTION_MINIMUM_DAYS", defaults, minimum=1)
