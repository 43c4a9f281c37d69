"""What this app adds to the workspaces layer: its kind of workspace, with the case page as
its home (the shared workspace pages link back to it), and what a referral to it does (a
child death review that suspects abuse or neglect opens a case here)."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.casereviews.models import KIND, CaseReview
from safeguarding.casereviews.services import case_open_from_referral
from safeguarding.casereviews.sharing_events import events_in
from safeguarding.workspaces.kinds import register_kind
from safeguarding.workspaces.models import Workspace
from safeguarding.workspaces.referrals import register_referral_target


def case_page(workspace: Workspace) -> str | None:
    case = CaseReview.objects.filter(workspace=workspace).only("pk").first()
    return reverse("casereviews:staff_case", args=[case.pk]) if case else None


def register() -> None:
    register_kind(KIND, "Case review", home_url=case_page, sharing_events=events_in)
    register_referral_target(KIND, case_open_from_referral)
