"""Background work for campaigns. Thin: ids in, services do the work."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from safeguarding.core.scheduler import PeriodicJob, register
from safeguarding.newsletter import sending
from safeguarding.newsletter.models import CampaignState


@task()
def send_campaign_batch(*, campaign_id: int) -> int:
    return sending.campaign_send_batch(campaign_id=campaign_id)


@task()
def start_or_resume_campaigns() -> int:
    """Starts scheduled campaigns that are due, and resumes any whose worker was lost."""
    from safeguarding.newsletter.models import Campaign

    started = 0
    for campaign_id in sending.campaigns_needing_a_worker():
        state = Campaign.objects.values_list("state", flat=True).get(pk=campaign_id)
        if state == CampaignState.SCHEDULED:
            sending.campaign_start(campaign_id=campaign_id, actor=None)
        else:
            sending.campaign_resume(campaign_id=campaign_id, actor=None)
        started += 1
    return started


register(
    PeriodicJob(
        name="newsletter.start_or_resume_campaigns",
        task=start_or_resume_campaigns,
        every=timedelta(minutes=1),
    )
)
