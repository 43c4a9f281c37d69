"""Background tasks of workspaces. They take ids and build what they send themselves."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import deliver_email, email_task
from safeguarding.workspaces.kinds import kind_label
from safeguarding.workspaces.models import Membership, MembershipRole, Workspace
from safeguarding.workspaces.selectors import recertification


@email_task("A reminder to a workspace lead to confirm who still needs access")
def send_recertification_due(*, workspace_id: int, lead_id: int, membership_ids: list[int]) -> int:
    """Tell a lead whose access to their workspace needs confirming, and by when it lapses.
    Nothing is sent if they are no longer its lead, or no one is still waiting."""
    lead = User.objects.filter(pk=lead_id, is_active=True).first()
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if lead is None or workspace is None:
        return 0
    now = timezone.now()
    is_lead = Membership.objects.live(at=now).filter(
        workspace=workspace, user=lead, role=MembershipRole.LEAD
    )
    waiting = [
        (membership, due)
        for membership in Membership.objects.live(at=now)
        .filter(workspace=workspace, pk__in=membership_ids)
        .select_related("user")
        .order_by("user__full_name", "user__email")
        if (due := recertification(membership)) is not None and due.is_due(now)
    ]
    if not is_lead.exists() or not waiting:
        return 0
    context = {
        "partnership": settings.PARTNERSHIP,
        "workspace": workspace,
        "kind": kind_label(workspace.kind),
        "waiting": waiting,
        "days": settings.WORKSPACE_RECERTIFY_DAYS,
        "link": absolute_url(reverse("workspaces:members", args=[workspace.pk])),
    }
    return deliver_email(
        subject=render_to_string("workspaces/email/recertification_due_subject.txt", context),
        body=render_to_string("workspaces/email/recertification_due.txt", context),
        to=[lead.email],
    )
