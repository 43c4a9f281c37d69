"""Retention of caller checks, authorisations and disclosures, by the retention engine (P08)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.identity import (
    Authorisation,
    AuthorisationKind,
    AuthorisationUse,
    CallerVerification,
    DisclosureRecord,
    LegalBasis,
    VerificationOutcome,
)
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.retention.engine import retention_not_automated, retention_sweep

pytestmark = pytest.mark.django_db

MODELS = {
    "privacy.CallerVerification",
    "privacy.Authorisation",
    "privacy.AuthorisationUse",
    "privacy.DisclosureRecord",
}


def test_the_engine_can_dispose_of_every_identity_record() -> None:
    assert not MODELS & {label for label, _, _ in retention_not_automated()}


def test_old_records_go_and_current_ones_stay(make_user: Callable[..., User]) -> None:
    staff = make_user(Role.DATA_PROTECTION_LEAD)
    person = Person.objects.create(email="sam@example.org")
    now = timezone.now()

    def verification(age: timedelta) -> CallerVerification:
        return CallerVerification.objects.create(
            person=person,
            staff=staff,
            question_keys=["first_pet", "first_car"],
            started_at=now - age,
            outcome=VerificationOutcome.PASSED,
            completed_at=now - age,
        )

    def authorisation(expired_for: timedelta) -> Authorisation:
        made = Authorisation.objects.create(
            person=person,
            kind=AuthorisationKind.WRITTEN,
            authorised_party="A solicitor",
            scope="Everything",
            document_reference="DOC",
            given_at=now - expired_for - timedelta(days=30),
            expires_at=now - expired_for,
            recorded_by=staff,
        )
        AuthorisationUse.objects.create(authorisation=made, used_by=staff)
        return made

    def disclosure(age: timedelta) -> DisclosureRecord:
        return DisclosureRecord.objects.create(
            person=person,
            requester_organisation="Court",
            requester="The court",
            legal_basis=LegalBasis.COURT_ORDER,
            what_disclosed="Records",
            disclosed_on=(now - age).date(),
            recorded_at=now - age,
            recorded_by=staff,
        )

    verification(timedelta(days=366))
    new_check = verification(timedelta(days=300))
    authorisation(timedelta(days=366))
    new_auth = authorisation(timedelta(days=-10))
    disclosure(timedelta(days=365 * 6 + 1))
    new_disclosure = disclosure(timedelta(days=365 * 5))

    retention_sweep()

    assert list(CallerVerification.objects.all()) == [new_check]
    assert list(Authorisation.objects.all()) == [new_auth]
    assert list(AuthorisationUse.objects.values_list("authorisation", flat=True)) == [new_auth.pk]
    assert list(DisclosureRecord.objects.all()) == [new_disclosure]
