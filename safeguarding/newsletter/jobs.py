"""Daily: the campaigns' safety net."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_tasks import task

from safeguarding.core.scheduler import daily
from safeguarding.newsletter import sending
from safeguarding.newsletter.models import Campaign, CampaignState


@daily("newsletter.start_or_resume_campaigns")
@task()
def start_or_resume_campaigns() -> int:
    """A safety net: starts scheduled campaigns that are overdue, and resumes any whose
    worker was lost (its claims expire, but no batch came after)."""
    started = 0
    for campaign_id in sending.campaigns_needing_a_worker():
        state = Campaign.objects.values_list("state", flat=True).get(pk=campaign_id)
        try:
            if state == CampaignState.SCHEDULED:
                sending.campaign_start(campaign_id=campaign_id, actor=None)
            else:
                sending.campaign_resume(campaign_id=campaign_id, actor=None)
        except ValidationError:
            continue  # changed since it was listed
        started += 1
    return started
