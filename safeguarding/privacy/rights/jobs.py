"""Daily: forget requests nobody confirmed (``services.prune_unconfirmed_requests``)."""

from __future__ import annotations

from django_tasks import task

from safeguarding.core.scheduler import daily
from safeguarding.privacy.rights.services import prune_unconfirmed_requests


@daily("privacy.prune_unconfirmed_requests")
@task()
def prune_unconfirmed_requests_job() -> int:
    return prune_unconfirmed_requests()
