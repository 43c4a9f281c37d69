"""What this app adds to the workspaces layer: its kind of workspace, with the case page as
its home (the shared workspace pages, who has access, documents and sharing decisions, link
back to it)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from safeguarding.cdop.models import KIND, ChildDeath
from safeguarding.workspaces.kinds import register_kind
from safeguarding.workspaces.models import Workspace
from safeguarding.workspaces.sharing_events import SharingEvent

NCMD = "National Child Mortality Database"
PARTNERS = "The safeguarding partners (case review)"


def case_page(workspace: Workspace) -> str | None:
    case = ChildDeath.objects.filter(workspace=workspace).only("pk").first()
    return reverse("cdop:case", args=[case.pk]) if case else None


def sharing_events(workspace: Workspace) -> list[SharingEvent]:
    """The times a review's information went to another organisation (P05): the closed case
    sent to the National Child Mortality Database, and a referral to the safeguarding
    partners when abuse or neglect is suspected."""
    case = (
        ChildDeath.objects.filter(workspace=workspace).only("ncmd_sent_on", "referred_at").first()
    )
    if case is None:
        return []
    events = []
    if case.ncmd_sent_on:
        events.append(SharingEvent("ncmd", "Case record sent to the NCMD", NCMD, case.ncmd_sent_on))
    if case.referred_at:
        referred_on = timezone.localdate(case.referred_at)
        events.append(SharingEvent("referral", "Referral for a case review", PARTNERS, referred_on))
    return events


def register() -> None:
    register_kind(KIND, "Child death review", home_url=case_page, sharing_events=sharing_events)
