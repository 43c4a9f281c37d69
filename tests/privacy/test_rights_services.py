"""Rights request services below the pages: pruning unconfirmed requests, the daily job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.core.scheduler import registered_jobs
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import RequestStatus, RightsRequest
from safeguarding.privacy.rights.jobs import prune_unconfirmed_requests_job
from safeguarding.privacy.rights.services import (
    prune_unconfirmed_requests,
    rights_request_export,
    rights_request_submit,
)
from tests.factories import UserFactory
from tests.privacy.access_rights import open_request


def _submitted(email: str, *, days_ago: int) -> RightsRequest:
    request = rights_request_submit(email=email, full_name="", kind="access", details="")
    RightsRequest.objects.filter(pk=request.pk).update(
        received_at=timezone.now() - timedelta(days=days_ago)
    )
    return request


@pytest.mark.django_db
def test_unconfirmed_requests_older_than_seven_days_are_deleted() -> None:
    stale = _submitted("stale@example.org", days_ago=8)
    fresh = _submitted("fresh@example.org", days_ago=2)
    confirmed = open_request(
        email="confirmed@example.org", received_at=timezone.now() - timedelta(days=30)
    )

    assert prune_unconfirmed_requests() == 1

    assert set(RightsRequest.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    # The person made only for the stale request goes with it.
    assert not Person.objects.filter(pk=stale.person_id).exists()
    entry = AuditEntry.objects.get(action="privacy.rights_request.pruned")
    assert entry.details == {"requests": 1, "people": 1}


@pytest.mark.django_db
def test_a_person_with_other_requests_is_kept_when_a_stale_one_is_pruned() -> None:
    kept = open_request(email="both@example.org")
    stale = _submitted("both@example.org", days_ago=8)
    assert stale.person_id == kept.person_id

    prune_unconfirmed_requests()

    assert Person.objects.filter(pk=kept.person_id).exists()
    assert RightsRequest.objects.filter(pk=kept.pk).exists()


@pytest.mark.django_db
def test_pruning_with_nothing_to_do_changes_nothing() -> None:
    _submitted("fresh@example.org", days_ago=1)

    assert prune_unconfirmed_requests() == 0
    assert not AuditEntry.objects.filter(action="privacy.rights_request.pruned").exists()


@pytest.mark.django_db
def test_the_prune_runs_daily_as_a_background_job() -> None:
    _submitted("stale@example.org", days_ago=8)

    assert "privacy.prune_unconfirmed_requests" in {job.name for job in registered_jobs()}
    prune_unconfirmed_requests_job.call()

    assert not RightsRequest.objects.filter(status=RequestStatus.AWAITING_CONFIRMATION).exists()


@pytest.mark.django_db
def test_an_export_needs_an_email_address() -> None:
    request = open_request(email=None)

    with pytest.raises(ValidationError, match="no email address"):
        rights_request_export(request=request, actor=UserFactory())
