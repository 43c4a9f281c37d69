"""What this app adds to the workspaces layer: its kind of workspace, with the case page as
its home (the shared workspace pages, who has access, documents and sharing decisions, link
back to it), and the times its information goes to another organisation (P05)."""

from __future__ import annotations

from django.urls import reverse

from safeguarding.cdop.models import KIND, ChildDeath
from safeguarding.cdop.sharing_events import events_in
from safeguarding.workspaces.kinds import register_kind
from safeguarding.workspaces.models import Workspace


def case_page(workspace: Workspace) -> str | None:
    case = ChildDeath.objects.filter(workspace=workspace).only("pk").first()
    return reverse("cdop:case", args=[case.pk]) if case else None


def register() -> None:
    register_kind(KIND, "Child death review", home_url=case_page, sharing_events=events_in)
