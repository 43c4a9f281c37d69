"""The workspaces part of P10 (need-to-know): every membership has a grantor and a reason,
every open workspace has a live lead, and the read log matches its seals. And P05: each time
a workspace's information went to another organisation (as its kind lists them: case
reviews, child death reviews) has an information-sharing decision on record."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Trim

from safeguarding.core.promises import Outcome, promise
from safeguarding.workspaces.kinds import kinds_with_sharing_events, sharing_events_of
from safeguarding.workspaces.models import Membership, MembershipRole, SharingDecision, Workspace
from safeguarding.workspaces.read_log import verify_read_log
from safeguarding.workspaces.sharing_events import unanswered


@promise("P10")
def workspace_memberships() -> tuple[Outcome, str]:
    # The database refuses a blank reason (a check constraint) and a missing grantor (NOT
    # NULL); counted here in case a constraint is ever lost.
    without_reason = (
        Membership.objects.annotate(reason_length=Length(Trim("reason")))
        .filter(reason_length=0)
        .count()
    )
    live_lead = Membership.objects.live().filter(
        workspace=OuterRef("pk"), role=MembershipRole.LEAD, user__is_active=True
    )
    leaderless = Workspace.objects.filter(closed_at__isnull=True).exclude(Exists(live_lead))
    reads = verify_read_log()
    if without_reason or leaderless.exists() or not reads.ok:
        return Outcome.FAIL, (
            f"{without_reason} workspace membership(s) without a reason; "
            f"{leaderless.count()} open workspace(s) without an active lead; read log matches "
            f"its seals: {reads.ok}"
            + (f" (first mismatch {reads.first_bad_day})" if not reads.ok else "")
        )
    return Outcome.PASS, (
        f"every one of {Membership.objects.count()} workspace membership(s) has a grantor and "
        f"a reason; every open workspace has an active lead; read log matches its seals for "
        f"{reads.days_checked} day(s)"
    )


@promise("P05")
def sharing_decisions_recorded() -> tuple[Outcome, str]:
    kinds = kinds_with_sharing_events()
    counts: dict[str, list[int]] = {label: [0, 0] for label in kinds.values()}
    for workspace in Workspace.objects.filter(kind__in=kinds):
        events = sharing_events_of(workspace)
        decisions = SharingDecision.objects.filter(workspace=workspace)
        count = counts[kinds[workspace.kind]]
        count[0] += len(events)
        count[1] += len(unanswered(events, decisions)) if events else 0
    missing = sum(count[1] for count in counts.values())
    said = "; ".join(
        f"{label}: {count[1]} of {count[0]} without a decision"
        for label, count in sorted(counts.items())
    )
    if missing:
        return Outcome.FAIL, (
            f"{missing} time(s) a workspace's information went to another organisation have "
            f"no sharing decision on record ({said})"
        )
    return Outcome.PASS, (
        "each time a workspace's information went to another organisation has its sharing "
        f"decision on record ({said})"
    )
