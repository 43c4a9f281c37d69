"""Access table entries for caller checks, authorisations and disclosures (see tests/access.py).

Anyone who takes calls may check a caller and use authorisations. Looking up and revoking
authorisations needs a verified call (see test_authorisations.py), so outside one only a data
protection lead gets the page; the others get a 403 page telling them to check the caller
first. Data protection leads and partnership administrators keep the disclosure register and
approve written authorisations.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.privacy.models.identity import (
    Authorisation,
    AuthorisationKind,
    DisclosureRecord,
    LegalBasis,
)
from safeguarding.privacy.models.person import Person
from tests.access import Access, only
from tests.factories import UserFactory

CALLERS = (
    Role.DATA_PROTECTION_LEAD,
    Role.PARTNERSHIP_ADMINISTRATOR,
    Role.TRAINING_COORDINATOR,
    Role.COMMUNICATIONS_OFFICER,
)
REGISTER = (Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)
CALLERS_REDIRECTED = {role: 302 if role in CALLERS else 403 for role in ALL_ROLES}
REGISTER_REDIRECTED = {role: 302 if role in REGISTER else 403 for role in ALL_ROLES}


def _authorisation() -> dict[str, Any]:
    """A written authorisation awaiting approval, recorded by someone else."""
    person = Person.objects.create(email="access-authorisation@example.org")
    authorisation = Authorisation.objects.create(
        person=person,
        kind=AuthorisationKind.WRITTEN,
        authorised_party="A solicitor",
        scope="Their booking",
        document_reference="DOC-1",
        expires_at=timezone.now() + timedelta(days=30),
        recorded_by=UserFactory(),
    )
    return {"public_id": authorisation.public_id}


def _disclosure() -> dict[str, Any]:
    person = Person.objects.create(email="access-disclosure@example.org")
    record = DisclosureRecord.objects.create(
        person=person,
        requester_organisation="Norfolk Constabulary",
        requester="DC 1234",
        legal_basis=LegalBasis.POLICE_CRIME,
        what_disclosed="Dates of attendance",
        disclosed_on=timezone.localdate(),
        recorded_by=UserFactory(),
    )
    return {"public_id": record.public_id}


ACCESS: dict[str, Access] = {
    "identity:find": Access(roles=only(*CALLERS)),
    "identity:verify": Access(roles=only(*CALLERS)),
    "identity:verify_use": Access(method="post", roles=CALLERS_REDIRECTED),
    "identity:one_off": Access(roles=only(*CALLERS)),
    "identity:end_call": Access(method="post", roles=CALLERS_REDIRECTED),
    # Outside a call; on a verified call every caller role may (test_authorisations.py).
    "identity:authorisations": Access(roles=only(Role.DATA_PROTECTION_LEAD)),
    "identity:authorisation_written": Access(roles=only(*CALLERS)),
    "identity:authorisation_revoke": Access(
        roles=only(Role.DATA_PROTECTION_LEAD), make_kwargs=_authorisation
    ),
    "identity:authorisations_awaiting": Access(roles=only(*REGISTER)),
    "identity:authorisation_approve": Access(
        method="post", roles=REGISTER_REDIRECTED, make_kwargs=_authorisation
    ),
    "identity:authorisation_reject": Access(roles=only(*REGISTER), make_kwargs=_authorisation),
    "disclosures:disclosures": Access(roles=only(*REGISTER)),
    "disclosures:disclosure_new": Access(roles=only(*REGISTER)),
    "disclosures:disclosure": Access(roles=only(*REGISTER), make_kwargs=_disclosure),
}
