"""Recertification: a member's access falls due for confirmation WORKSPACE_RECERTIFY_DAYS after
it was given or last confirmed; the lead is emailed; unconfirmed, it lapses
WORKSPACE_RECERTIFY_GRACE_DAYS later, by a daily job, audited. Always on the test clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.core.scheduler import registered_jobs
from safeguarding.workspaces import services
from safeguarding.workspaces.jobs import lapse_unconfirmed_job, recertification_reminders_job
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace
from safeguarding.workspaces.recertification import (
    memberships_lapse_unconfirmed,
    recertification_reminders_send,
)
from safeguarding.workspaces.selectors import membership_of, recertification
from safeguarding.workspaces.tasks import send_recertification_due
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# Days of 24 hours: granted at 10am British Summer Time, due at 9am Greenwich Mean Time.
GRANTED = datetime(2026, 9, 1, 9, tzinfo=UTC)
DUE = GRANTED + timedelta(days=90)  # 30 November 2026
LAPSES = DUE + timedelta(days=14)  # 14 December 2026


@pytest.fixture
def member(workspace: Workspace, grant, make_user, clock) -> Membership:
    clock.move_to(GRANTED, tick=False)
    return grant(make_user(full_name="Mel Member"))


def run_reminders() -> None:
    """Run the queued reminder tasks here, as a worker would (the test's transaction holds
    them, so no worker could see them)."""
    for row in DBTaskResult.objects.filter(task_path__endswith="send_recertification_due"):
        send_recertification_due.call(**row.args_kwargs["kwargs"])


def membership_lead(workspace: Workspace) -> User:
    return Membership.objects.get(workspace=workspace, role=MembershipRole.LEAD).user


def members_page(user: User, workspace: Workspace) -> str:
    client = Client()
    sign_in(client, user)
    return client.get(reverse("workspaces:members", args=[workspace.pk])).content.decode()


def test_the_settings_say_90_days_and_14_more(settings) -> None:
    assert (settings.WORKSPACE_RECERTIFY_DAYS, settings.WORKSPACE_RECERTIFY_GRACE_DAYS) == (90, 14)


def test_a_member_falls_due_90_days_after_the_grant_and_a_lead_never(
    member: Membership, lead: User, workspace: Workspace
) -> None:
    due = recertification(member)

    assert due is not None
    assert (due.due_at, due.lapses_at) == (DUE, LAPSES)
    assert not due.is_due(DUE - timedelta(seconds=1))
    assert due.is_due(DUE)
    lead_membership = membership_of(lead, workspace)
    assert lead_membership is not None
    assert recertification(lead_membership) is None


def test_the_members_page_shows_when_each_member_must_be_confirmed(
    member: Membership, lead: User, workspace: Workspace, clock
) -> None:
    assert "30 November 2026" in members_page(lead, workspace)

    clock.move_to(DUE + timedelta(days=1))
    page = members_page(lead, workspace)

    assert "Confirm by 14 December 2026" in page


def test_nothing_lapses_before_the_grace_period_ends(member: Membership, clock) -> None:
    clock.move_to(LAPSES - timedelta(minutes=1), tick=False)

    assert memberships_lapse_unconfirmed() == 0
    member.refresh_from_db()
    assert member.lapsed_at is None


def test_unconfirmed_access_lapses_by_itself_audited_and_the_page_is_gone(
    member: Membership, workspace: Workspace, clock
) -> None:
    clock.move_to(LAPSES + timedelta(hours=1), tick=False)

    assert lapse_unconfirmed_job.call() == 1

    member.refresh_from_db()
    assert member.lapsed_at == LAPSES + timedelta(hours=1)
    assert not member.is_live()
    assert not Membership.objects.live().filter(pk=member.pk).exists()
    entry = AuditEntry.objects.get(action="workspaces.membership.lapsed")
    assert (entry.actor, entry.target_id) == (None, str(member.pk))
    assert entry.details["workspace"] == workspace.pk
    client = Client()
    sign_in(client, member.user)
    assert client.get(reverse("workspaces:members", args=[workspace.pk])).status_code == 404
    assert "not confirmed in time" in members_page(membership_lead(workspace), workspace)
    # Run again (two schedulers, or the same day twice): nothing more happens.
    assert memberships_lapse_unconfirmed() == 0
    assert AuditEntry.objects.filter(action="workspaces.membership.lapsed").count() == 1


def test_a_confirmed_member_does_not_lapse_and_falls_due_again_90_days_on(
    member: Membership, lead: User, clock
) -> None:
    clock.move_to(DUE + timedelta(days=3), tick=False)
    services.membership_confirm(membership=member, actor=lead)

    clock.move_to(LAPSES + timedelta(days=1), tick=False)
    assert memberships_lapse_unconfirmed() == 0

    member.refresh_from_db()
    due = recertification(member)
    assert due is not None
    assert due.due_at == DUE + timedelta(days=93)


def test_a_lead_never_lapses(workspace: Workspace, lead: User, clock) -> None:
    clock.move_to(datetime(2028, 1, 1, tzinfo=LONDON), tick=False)

    assert memberships_lapse_unconfirmed() == 0
    assert membership_of(lead, workspace) is not None


def test_a_lapsed_person_can_be_given_access_again(
    member: Membership, workspace: Workspace, lead: User, clock
) -> None:
    clock.move_to(LAPSES + timedelta(days=1), tick=False)
    memberships_lapse_unconfirmed()

    again = services.membership_grant(
        workspace=workspace,
        user=member.user,
        role=MembershipRole.REVIEWER,
        reason="Back for the final report",
        actor=lead,
    )

    member.refresh_from_db()
    assert member.revoked_at is not None
    assert again.is_live()
    page = members_page(lead, workspace)
    assert "Access that has ended" in page


def test_each_lead_is_emailed_once_which_members_fall_due(
    member: Membership, workspace: Workspace, lead: User, grant, make_user, clock
) -> None:
    second_lead = make_user(full_name="Second Lead")
    grant(second_lead, MembershipRole.LEAD)
    clock.move_to(DUE - timedelta(hours=1), tick=False)
    assert recertification_reminders_send() == 0

    clock.move_to(DUE + timedelta(hours=1), tick=False)
    assert recertification_reminders_job.call() == 2
    assert recertification_reminders_send() == 0  # once per period
    run_reminders()

    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead.email, second_lead.email])
    message = mail.outbox[0]
    assert workspace.title in message.subject
    assert "Mel Member" in message.body
    assert "Second Lead" not in message.body  # a lead is not due
    assert "14 December 2026" in message.body
    assert reverse("workspaces:members", args=[workspace.pk]) in message.body
    assert AuditEntry.objects.filter(action="workspaces.recertification.reminder_sent").count() == 1


def test_after_confirmation_the_next_period_is_reminded_again(
    member: Membership, lead: User, clock
) -> None:
    clock.move_to(DUE + timedelta(hours=1), tick=False)
    assert recertification_reminders_send() == 1
    services.membership_confirm(membership=member, actor=lead)

    clock.move_to(DUE + timedelta(days=91), tick=False)

    assert recertification_reminders_send() == 1


def test_no_email_if_the_member_was_confirmed_before_the_task_ran(
    member: Membership, lead: User, clock
) -> None:
    clock.move_to(DUE + timedelta(hours=1), tick=False)
    recertification_reminders_send()
    services.membership_confirm(membership=member, actor=lead)

    run_reminders()

    assert mail.outbox == []


def test_both_jobs_run_daily() -> None:
    names = {job.name: job for job in registered_jobs()}
    assert names["workspaces.lapse_unconfirmed"].every == timedelta(days=1)
    assert names["workspaces.recertification_reminders"].every == timedelta(days=1)


def test_the_database_refuses_a_lapsed_lead(workspace: Workspace, lead: User) -> None:
    from django.db import IntegrityError, transaction
    from django.db.models import F

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(workspace=workspace, user=lead).update(
            lapsed_at=F("confirmed_at")
        )
