"""Daily upkeep of the audit trail: forgetting old network addresses, and anchoring the
chain head outside the database (``anchors``)."""

from __future__ import annotations

from django_tasks import task

from safeguarding.audit.anchors import anchor_head
from safeguarding.audit.services import audit_forget_addresses
from safeguarding.core.scheduler import daily


@daily("audit.forget_addresses")
@task()
def forget_addresses_job() -> int:
    """Daily: remove network addresses older than AUDIT_ADDRESS_DAYS; returns how many."""
    return audit_forget_addresses()


@daily("audit.anchor_head")
@task()
def anchor_head_job() -> int:
    """Daily: copy the chain head outside the database; returns the anchored sequence."""
    anchor = anchor_head()
    return anchor.sequence if anchor else 0
