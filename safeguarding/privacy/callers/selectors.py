"""Reads for caller checks, authorisations and the disclosure register."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import user_has_role
from safeguarding.core.addresses import normalise_email
from safeguarding.privacy.models.identity import (
    Authorisation,
    CallerVerification,
    SecurityQuestion,
    VerificationOutcome,
)
from safeguarding.privacy.models.person import Person

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

# Three failed checks within 24 hours stop phone checks for that person for 24 hours.
LOCK_AFTER_FAILURES = 3
FAILURE_WINDOW = timedelta(hours=24)
LOCKED_FOR = timedelta(hours=24)
# A passed check lets staff rely on it (record a one-off instruction, use an authorisation)
# for this long: about the length of one call, with some slack.
VERIFICATION_FRESH_FOR = timedelta(hours=1)
QUESTIONS_ASKED = 2


def person_by_email(email: str) -> Person | None:
    return Person.objects.filter(email=normalise_email(email)).first()


def security_question_count(person: Person) -> int:
    return SecurityQuestion.objects.filter(person=person).count()


def verification_locked_until(person: Person, *, now: datetime | None = None) -> datetime | None:
    """When phone checks for this person open again, or None if they are open now.

    Locked when the last three failures fall within 24 hours, for 24 hours from the last.
    """
    now = now or timezone.now()
    failures = list(
        CallerVerification.objects.filter(
            person=person, outcome=VerificationOutcome.FAILED, completed_at__isnull=False
        )
        .order_by("-completed_at")
        .values_list("completed_at", flat=True)[:LOCK_AFTER_FAILURES]
    )
    if len(failures) < LOCK_AFTER_FAILURES:
        return None
    newest, oldest = failures[0], failures[-1]
    if newest is None or oldest is None or newest - oldest > FAILURE_WINDOW:
        return None
    until: datetime = newest + LOCKED_FOR
    return until if until > now else None


def verification_is_fresh(verification: CallerVerification, *, now: datetime | None = None) -> bool:
    """Passed, and recently enough to rely on during this call."""
    now = now or timezone.now()
    return (
        verification.outcome == VerificationOutcome.PASSED
        and verification.completed_at is not None
        and now - verification.completed_at <= VERIFICATION_FRESH_FOR
    )


def may_act_outside_a_call(user: User) -> bool:
    """A data protection lead may look up and revoke authorisations without a call (a
    safeguarding need cannot wait for one); everyone else only on a verified call."""
    return user_has_role(user, Role.DATA_PROTECTION_LEAD)


def on_verified_call(
    verification: CallerVerification | None, *, staff: User, person: Person | None = None
) -> bool:
    """``verification`` is this member of staff's call, passed and not yet stale, and (if
    ``person`` is given) the caller is that person."""
    return (
        verification is not None
        and verification.staff_id == staff.pk
        and verification_is_fresh(verification)
        and (person is None or verification.person_id == person.pk)
    )


def verification_for_staff(*, pk: int, staff_id: int) -> CallerVerification | None:
    """The check this member of staff started, or None (never someone else's)."""
    return (
        CallerVerification.objects.select_related("person").filter(pk=pk, staff_id=staff_id).first()
    )


def live_authorisations(person: Person) -> QuerySet[Authorisation]:
    return Authorisation.objects.filter(person=person).live().order_by("expires_at", "pk")


def authorisations_for_person(person: Person) -> QuerySet[Authorisation]:
    return (
        Authorisation.objects.filter(person=person)
        .select_related("recorded_by", "used_by", "revoked_by", "approved_by", "rejected_by")
        .order_by("-given_at", "-pk")
    )


def authorisations_awaiting_approval() -> QuerySet[Authorisation]:
    """Written authorisations waiting for a second person, oldest first."""
    return (
        Authorisation.objects.awaiting_approval()
        .select_related("person", "recorded_by")
        .order_by("given_at", "pk")
    )
