"""Background work for campaigns. Thin: ids in, services do the work."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from safeguarding.core.worker import worker_check
from safeguarding.newsletter import sending
from safeguarding.newsletter.models import Campaign, CampaignState

# The batch task is defined beside the service that enqueues it; this name stays importable
# for batches queued before it moved.
send_campaign_batch = sending.send_campaign_batch


@task()
def start_scheduled_campaign(*, campaign_id: int) -> bool:
    """Enqueued to run at the scheduled time; does nothing if the campaign was rescheduled
    (a later task will start it) or already started."""
    due = Campaign.objects.filter(
        pk=campaign_id, state=CampaignState.SCHEDULED, scheduled_for__lte=timezone.now()
    ).exists()
    if due:
        sending.campaign_start(campaign_id=campaign_id, actor=None)
    return due


@worker_check("newsletter.recover_stalled_campaigns")
def recover_stalled_campaigns() -> None:
    """Every few seconds in each worker: a sending campaign whose worker was lost gets a new
    batch (see sending.recover_stalled_campaigns)."""
    sending.recover_stalled_campaigns()
