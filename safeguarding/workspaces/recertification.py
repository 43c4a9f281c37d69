"""Recertification: every ``WORKSPACE_RECERTIFY_DAYS`` days (from the grant, then from each
confirmation) a lead confirms that each member still needs access, or removes them, from the
members page (``services.membership_confirm``, ``membership_revoke``). The leads are emailed
when members fall due (``recertification_reminders_send``); access not confirmed within
``WORKSPACE_RECERTIFY_GRACE_DAYS`` more lapses by itself (``memberships_lapse_unconfirmed``),
audited. Both run daily (``jobs``), and both are safe to run twice: each row is claimed by a
conditional UPDATE under the workspace's lock.

A lead's own access never lapses, as it never expires: a workspace must not lose its last lead
by the calendar (the database refuses it too). When it falls due is ``selectors.recertification``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core.tasks import enqueue_in_transaction
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace
from safeguarding.workspaces.selectors import recertify_grace, recertify_period
from safeguarding.workspaces.tasks import send_recertification_due

LAPSED = "workspaces.membership.lapsed"
REMINDED = "workspaces.recertification.reminder_sent"


def _may_lapse(now: datetime) -> QuerySet[Membership]:
    """Live memberships other than leads'."""
    return Membership.objects.live(at=now).exclude(role=MembershipRole.LEAD)


def _locked(workspace_id: int) -> Workspace:
    return Workspace.objects.select_for_update().get(pk=workspace_id)


def memberships_lapse_unconfirmed(*, now: datetime | None = None) -> int:
    """End each member's access that no lead confirmed within the grace period after it fell
    due: one transaction and one audit entry each. Returns how many lapsed."""
    now = now or timezone.now()
    overdue = _may_lapse(now).filter(confirmed_at__lte=now - recertify_period() - recertify_grace())
    lapsed = 0
    for pk, workspace_id in list(overdue.values_list("pk", "workspace_id")):
        with transaction.atomic(durable=True):
            _locked(workspace_id)
            # Still overdue? (Confirmed, removed or lapsed meanwhile, it is left alone.)
            if not overdue.filter(pk=pk).update(lapsed_at=now):
                continue
            membership = Membership.objects.get(pk=pk)
            audit_log(
                action=LAPSED,
                actor=None,
                target=membership,
                details={
                    "workspace": workspace_id,
                    "member": membership.user_id,
                    "confirmed_at": membership.confirmed_at.isoformat(),
                },
            )
        lapsed += 1
    return lapsed


def recertification_reminders_send(*, now: datetime | None = None) -> int:
    """Email the leads of each workspace whose members have fallen due and are in no reminder
    since they were last confirmed: one email per lead, naming them all. Returns how many
    emails were queued."""
    now = now or timezone.now()
    waiting = (
        _may_lapse(now)
        .filter(confirmed_at__lte=now - recertify_period())
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=F("confirmed_at")))
    )
    by_workspace: dict[int, list[int]] = defaultdict(list)
    for pk, workspace_id in waiting.values_list("pk", "workspace_id"):
        by_workspace[workspace_id].append(pk)
    queued = 0
    for workspace_id, ids in sorted(by_workspace.items()):
        with transaction.atomic(durable=True):
            workspace = _locked(workspace_id)
            claimed = sorted(waiting.filter(pk__in=ids).values_list("pk", flat=True))
            if not claimed:
                continue
            Membership.objects.filter(pk__in=claimed).update(reminded_at=now)
            leads = list(
                Membership.objects.live(at=now)
                .filter(workspace=workspace, role=MembershipRole.LEAD, user__is_active=True)
                .values_list("user_id", flat=True)
            )
            for lead_id in leads:
                enqueue_in_transaction(
                    send_recertification_due,
                    workspace_id=workspace_id,
                    lead_id=lead_id,
                    membership_ids=claimed,
                )
            audit_log(
                action=REMINDED,
                actor=None,
                target=workspace,
                details={"workspace": workspace_id, "members": len(claimed), "leads": len(leads)},
            )
        queued += len(leads)
    return queued
