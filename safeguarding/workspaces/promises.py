"""The workspaces part of P10 (need-to-know): every membership has a grantor and a reason,
every open workspace has a live lead, and the read log matches its seals."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.db.models.functions import Length, Trim

from safeguarding.core.promises import Outcome, promise
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace
from safeguarding.workspaces.read_log import verify_read_log


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
