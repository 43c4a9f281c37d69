"""What this app adds to the workspaces layer: its kind of workspace, and what a referral
to it does (a child death review that suspects abuse or neglect opens a case here)."""

from __future__ import annotations

from safeguarding.casereviews.models import KIND
from safeguarding.casereviews.services import case_open_from_referral
from safeguarding.workspaces.kinds import register_kind
from safeguarding.workspaces.referrals import register_referral_target


def register() -> None:
    register_kind(KIND, "Case review")
    register_referral_target(KIND, case_open_from_referral)
