"""The workspaces part of P10 (need-to-know): every membership has a grantor and a reason,
every open workspace has a live lead, and the read log matches its seals. And P05: each time
a workspace's information went to another organisation (as its kind lists them: case
reviews, child death reviews) has an information-sharing decision on record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.apps import apps
from django.db.models import Exists, Model, OuterRef, Q
from django.db.models.functions import Length, Trim

from safeguarding.core import crypto
from safeguarding.core.encrypted_fields import Sealed
from safeguarding.core.promises import Outcome, promise
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import declaration_for
from safeguarding.workspaces.kinds import kinds_with_sharing_events, sharing_events_of
from safeguarding.workspaces.models import (
    Membership,
    MembershipRole,
    ReadLog,
    SharingDecision,
    Workspace,
)
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


# --- Parts of each kind's own P04 check (case reviews, child death reviews) -------------------


def reads_without_membership(kind: str, app_label: str) -> int:
    """Reads of ``app_label``'s records in workspaces of ``kind`` by someone who had no
    membership of the workspace at that moment."""
    member_then = Membership.objects.filter(
        workspace=OuterRef("workspace"),
        user=OuterRef("user"),
        granted_at__lte=OuterRef("occurred_at"),
    ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=OuterRef("occurred_at")))
    return (
        ReadLog.objects.filter(workspace__kind=kind, target_type__startswith=f"{app_label}.")
        .exclude(Exists(member_then))
        .count()
    )


def values_in_clear(sealed: Iterable[tuple[type[Model], Sequence[str]]]) -> int:
    """Values of these models' fields stored as anything but a token of the keyring."""
    keys = crypto.keyring().keys
    bad = 0
    for model, fields in sealed:
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value is None:
                    continue
                if not isinstance(value, Sealed) or crypto.key_id_of(value.token) not in keys:
                    bad += 1
    return bad


def models_without_retention(app_label: str) -> list[str]:
    """The app's record types with no retention rule."""
    missing = []
    for model in apps.get_app_config(app_label).get_models():
        declaration = declaration_for(model)
        if declaration is None or retention_rules.get(declaration.retention or "") is None:
            missing.append(model._meta.label)
    return missing
