"""Daily upkeep of the audit trail (the chain head's anchoring is in ``anchors``)."""

from __future__ import annotations

from django_tasks import task

from safeguarding.audit.services import audit_forget_addresses
from safeguarding.core.scheduler import daily


@daily("audit.forget_addresses")
@task()
def forget_addresses_job() -> int:
    """Daily: remove network addresses older than AUDIT_ADDRESS_DAYS; returns how many."""
    return audit_forget_addresses()
