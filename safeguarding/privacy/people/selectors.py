"""Reads for a person's page beyond their records: the rights requests they made."""

from __future__ import annotations

from django.db.models import QuerySet

from safeguarding.core.addresses import normalise_email
from safeguarding.privacy.models.rights import RequestStatus, RightsRequest


def requests_about(email: str) -> QuerySet[RightsRequest]:
    """The requests this address made that staff can open, newest first."""
    return (
        RightsRequest.objects.filter(person__email=normalise_email(email))
        .exclude(status=RequestStatus.AWAITING_CONFIRMATION)
        .order_by("-received_at", "-pk")
    )
