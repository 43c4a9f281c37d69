"""A referral from one kind of workspace to another, without either app importing the other.

A child death review that suspects abuse or neglect refers the death to the safeguarding
partners, which opens a serious incident notification in the case-review workspace. The
case-review app registers what a referral to it does; the child death review app calls
``refer``; both record the other's workspace, so the link reads both ways::

    # casereviews/apps.py, in ready():
    register_referral_target("case_review", open_notification_from_referral)

    # cdop/services.py, inside the service's transaction:
    opened = refer("case_review", Referral(from_workspace=..., child=..., reason=..., actor=...))

The handler runs in the caller's transaction, so a refused referral leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from safeguarding.inventory.subjects import ChildIdentity
from safeguarding.workspaces.kinds import kind_label
from safeguarding.workspaces.models import Workspace

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


@dataclass(frozen=True)
class Referral:
    """What the referring workspace hands over: the child, why, and who referred."""

    from_workspace: Workspace
    child: ChildIdentity
    reason: str
    actor: User


class NoReferralTarget(LookupError):
    """No installed app accepts referrals to this kind of workspace."""


_targets: dict[str, Callable[[Referral], Workspace]] = {}


def register_referral_target(kind: str, handler: Callable[[Referral], Workspace]) -> None:
    """``handler`` opens the record a referral starts and returns its workspace."""
    _targets[kind] = handler


def accepts_referrals(kind: str) -> bool:
    return kind in _targets


def refer(kind: str, referral: Referral) -> Workspace:
    """Open the record a referral to ``kind`` starts; returns the new workspace."""
    handler = _targets.get(kind)
    if handler is None:
        raise NoReferralTarget(f"Referrals to a {kind_label(kind).lower()} cannot be made here.")
    return handler(referral)
