"""Changes for caller checks (P11) and authorisations (P12); the disclosure register (P07) is
``disclosure_services``.

Each change is one transaction with its own audit entry. Audit details hold ids, question keys
and outcomes only: never an email address, a name, an answer or any free text.
"""

from __future__ import annotations

import hmac
import random
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.core import links
from safeguarding.core.addresses import normalise_email
from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import email_task, enqueue_in_transaction, header_text
from safeguarding.privacy.approvals import require_second_person
from safeguarding.privacy.callers.selectors import (
    QUESTIONS_ASKED,
    may_act_outside_a_call,
    on_verified_call,
    verification_is_fresh,
    verification_locked_until,
)
from safeguarding.privacy.models.identity import (
    Authorisation,
    AuthorisationKind,
    AuthorisationUse,
    CallerVerification,
    Question,
    SecurityQuestion,
    SecurityQuestionsLink,
    VerificationOutcome,
)
from safeguarding.privacy.models.person import Person

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

LINK_PURPOSE = "security-questions"
LINK_VALID_FOR = timedelta(hours=24)
MIN_QUESTIONS = 3
MIN_ANSWER_LENGTH = 2
# A check that was started but not answered is shown again (same questions) for this long.
PENDING_REUSED_FOR = timedelta(minutes=30)
# A one-off verbal instruction not used within this time lapses.
ONE_OFF_VALID_FOR = timedelta(days=30)

_random = random.SystemRandom()


class VerificationLocked(Exception):
    """Too many failed checks: phone checks for this person are stopped until ``until``."""

    def __init__(self, until: datetime) -> None:
        super().__init__("Phone identity checks for this person are locked.")
        self.until = until


class VerificationImpossible(Exception):
    """The person has too few security questions to be checked on the phone."""


class VerifyTheCallerFirst(PermissionDenied):
    """Someone's authorisations are looked up, recorded on the phone or revoked only on a call
    where that person passed the security questions, or by a data protection lead."""


def require_call_or_lead(
    *, actor: User, verification: CallerVerification | None, person: Person
) -> None:
    """Raise ``VerifyTheCallerFirst`` unless ``actor`` may act on ``person``'s authorisations
    now: on a verified call with them, or as a data protection lead."""
    if not may_act_outside_a_call(actor) and not on_verified_call(
        verification, staff=actor, person=person
    ):
        raise VerifyTheCallerFirst


# --- Security questions -------------------------------------------------------------------------


def normalise_answer(answer: str) -> str:
    """Fold case, accents, whitespace and punctuation: "  St. Mary's " -> "stmarys"."""
    decomposed = unicodedata.normalize("NFKD", answer.casefold())
    return "".join(char for char in decomposed if char.isalnum())


USED_OR_REPLACED = (
    "This link has been used, or a newer one was sent. Ask for a new link if you still need one."
)


def security_questions_link(person: Person) -> str:
    """Issue a new link to set ``person``'s security questions; every earlier one stops
    working. Call inside the transaction that sends it."""
    return _link_url(person.pk, _new_nonce(person))


def _new_nonce(person: Person) -> str:
    """Replace the person's link nonce: the one link that works is the one made from it."""
    nonce = secrets.token_urlsafe(24)
    SecurityQuestionsLink.objects.update_or_create(
        person=person, defaults={"nonce": nonce, "sent_at": timezone.now()}
    )
    return nonce


def _link_url(person_id: int, nonce: str) -> str:
    token = links.make_token(purpose=LINK_PURPOSE, payload={"person": person_id, "nonce": nonce})
    return absolute_url(reverse("security_questions:set", args=[token]))


def person_from_link(token: str) -> Person:
    """The person a security-questions link was sent to, if it is the newest link sent to
    them and has not been used; raises ``links.BadLink``."""
    payload = links.read_token(token, purpose=LINK_PURPOSE, max_age=LINK_VALID_FOR)
    person_id, nonce = payload.get("person"), payload.get("nonce")
    current = (
        SecurityQuestionsLink.objects.select_related("person").filter(person_id=person_id).first()
        if isinstance(person_id, int) and isinstance(nonce, str)
        else None
    )
    if current is None or not hmac.compare_digest(current.nonce, str(nonce)):
        raise links.BadLink(USED_OR_REPLACED)
    if not current.person.email:
        raise links.BadLink("This link is not valid any more. Ask for a new one.")
    return current.person


def security_questions_link_request(*, email: str) -> None:
    """Email a link to set security questions. The same happens whether or not we knew the
    address (a first contact creates the Person), so nothing is revealed to the requester."""
    with transaction.atomic(durable=True):
        person, created = Person.objects.get_or_create(email=normalise_email(email))
        _new_nonce(person)  # the task makes the link from it
        audit_log(
            action="privacy.security_questions.link_sent",
            actor=None,
            target=person,
            details={"new_person": created},
        )
        # The task takes the person's id and builds the link itself: no live link waits in
        # the task queue.
        enqueue_in_transaction(send_security_questions_link, person_id=person.pk)


@email_task("A link to set security questions")
def send_security_questions_link(*, person_id: int) -> int:
    pending = SecurityQuestionsLink.objects.select_related("person").filter(person_id=person_id)
    current = pending.first()
    if current is None or not current.person.email:
        return 0  # used or replaced meanwhile, or the person has gone
    context = {
        "link": _link_url(person_id, current.nonce),
        "hours": int(LINK_VALID_FOR.total_seconds() // 3600),
        "partnership": settings.PARTNERSHIP,
    }
    return _send(current.person.email, "security_questions", context)


@email_task("A notice that security questions changed")
def send_security_questions_changed(*, person_id: int) -> int:
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not person.email:
        return 0
    context = {
        "partnership": settings.PARTNERSHIP,
        "contact_url": absolute_url(reverse("contact")),
    }
    return _send(person.email, "security_questions_changed", context)


def _send(to: str, name: str, context: Mapping[str, object]) -> int:
    folder = "privacy/identity/email"
    message = EmailMultiAlternatives(
        subject=header_text(render_to_string(f"{folder}/{name}_subject.txt", context)),
        body=render_to_string(f"{folder}/{name}.txt", context),
        to=[to],
    )
    return message.send()


def security_questions_set_by_link(*, token: str, answers: Mapping[str, str]) -> Person:
    """Set questions through an emailed link, which then stops working (single use). Raises
    ``links.BadLink`` for a used, replaced, expired or forged link, and ValidationError for
    answers that will not do (the link still works then, to try again)."""
    with transaction.atomic(durable=True):
        person = person_from_link(token)
        # Locks the link: of two requests using it at once, the second finds it gone.
        if not SecurityQuestionsLink.objects.select_for_update().filter(person=person).exists():
            raise links.BadLink(USED_OR_REPLACED)
        security_questions_set(person=person, answers=answers)
        SecurityQuestionsLink.objects.filter(person=person).delete()
    return person


def security_questions_set(*, person: Person, answers: Mapping[str, str]) -> None:
    """Replace the person's questions with these (question key -> answer), hashed, and tell
    the person by email."""
    valid = set(Question.values)
    if len(answers) < MIN_QUESTIONS:
        raise ValidationError(f"Choose and answer at least {MIN_QUESTIONS} different questions.")
    hashed = []
    for key, answer in answers.items():
        if key not in valid:
            raise ValidationError("Choose a question from the list.")
        normalised = normalise_answer(answer)
        if len(normalised) < MIN_ANSWER_LENGTH:
            raise ValidationError(
                f"Each answer needs at least {MIN_ANSWER_LENGTH} letters or numbers."
            )
        hashed.append(
            SecurityQuestion(person=person, question=key, answer_hash=make_password(normalised))
        )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        SecurityQuestion.objects.filter(person=person).delete()
        SecurityQuestion.objects.bulk_create(hashed)
        audit_log(
            action="privacy.security_questions.set",
            actor=None,
            target=person,
            details={"questions": sorted(answers)},
        )
        enqueue_in_transaction(send_security_questions_changed, person_id=person.pk)


# --- Caller verification ------------------------------------------------------------------------


def _audit_locked(*, person: Person, staff: User, until: datetime, refused: bool) -> None:
    audit_log(
        action="privacy.caller.locked",
        actor=staff,
        target=person,
        details={"until": until.isoformat(), "attempt_refused": refused},
    )


def caller_verification_start(*, person: Person, staff: User) -> CallerVerification:
    """Begin a check, or carry on with this member of staff's unanswered one (same questions).

    Raises ``VerificationLocked`` (audited) or ``VerificationImpossible``.
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        Person.objects.select_for_update().filter(pk=person.pk).first()
        until = verification_locked_until(person, now=now)
        if until is not None:
            _audit_locked(person=person, staff=staff, until=until, refused=True)
        else:
            verification = _start_or_continue(person=person, staff=staff, now=now)
    if until is not None:
        raise VerificationLocked(until)
    return verification


def _start_or_continue(*, person: Person, staff: User, now: datetime) -> CallerVerification:
    keys = list(SecurityQuestion.objects.filter(person=person).values_list("question", flat=True))
    if len(keys) < QUESTIONS_ASKED:
        raise VerificationImpossible
    pending = (
        CallerVerification.objects.filter(
            person=person,
            staff=staff,
            outcome=VerificationOutcome.PENDING,
            started_at__gte=now - PENDING_REUSED_FOR,
        )
        .order_by("-started_at")
        .first()
    )
    if pending is not None and set(pending.question_keys) <= set(keys):
        return pending
    verification = CallerVerification.objects.create(
        person=person, staff=staff, question_keys=_random.sample(sorted(keys), QUESTIONS_ASKED)
    )
    audit_log(
        action="privacy.caller.started",
        actor=staff,
        target=verification,
        details={"person": person.pk, "questions": verification.question_keys},
    )
    return verification


def caller_verification_answer(
    *, verification: CallerVerification, staff: User, answers: Mapping[str, str]
) -> CallerVerification:
    """Check the caller's answers to the two questions and record pass or fail.

    The third failure within 24 hours locks phone checks for the person for 24 hours.
    Raises ``VerificationLocked`` (audited, nothing recorded) if they are locked already.
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        person = Person.objects.select_for_update().get(pk=verification.person_id)
        current = CallerVerification.objects.select_for_update().get(pk=verification.pk)
        if current.staff_id != staff.pk:
            raise PermissionDenied
        if current.outcome != VerificationOutcome.PENDING:
            raise ValidationError("These answers have already been checked. Start a new check.")
        until = verification_locked_until(person, now=now)
        if until is not None:
            _audit_locked(person=person, staff=staff, until=until, refused=True)
            locked = until
        else:
            locked = None
            hashes = dict(
                SecurityQuestion.objects.filter(
                    person=person, question__in=current.question_keys
                ).values_list("question", "answer_hash")
            )
            # Check every answer, so the time taken does not say which one was wrong.
            results = [
                check_password(normalise_answer(answers.get(key, "")), hashes.get(key, ""))
                for key in current.question_keys
            ]
            passed = len(results) == QUESTIONS_ASKED and all(results)
            current.outcome = VerificationOutcome.PASSED if passed else VerificationOutcome.FAILED
            current.completed_at = now
            current.save(update_fields=["outcome", "completed_at"])
            audit_log(
                action="privacy.caller.verified" if passed else "privacy.caller.failed",
                actor=staff,
                target=current,
                details={"person": person.pk, "questions": current.question_keys},
            )
            if not passed:
                until = verification_locked_until(person, now=now)
                if until is not None:
                    _audit_locked(person=person, staff=staff, until=until, refused=False)
    if locked is not None:
        raise VerificationLocked(locked)
    return current


# --- Authorisations -----------------------------------------------------------------------------


def _require_fresh(verification: CallerVerification, *, person: Person | None = None) -> None:
    if not verification_is_fresh(verification):
        raise ValidationError(
            "The caller must have passed the security questions within the last hour."
        )
    if person is not None and verification.person_id != person.pk:
        raise ValidationError("That check was for someone else.")


def _end_of_day(day: date) -> datetime:
    """The first moment after ``day`` in the partnership's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def authorisation_record_written(
    *,
    person: Person,
    authorised_party: str,
    scope: str,
    document_reference: str,
    expires_on: date,
    actor: User,
) -> Authorisation:
    """Record a signed authorisation. It waits for a second person's approval
    (``authorisation_approve``); until then staff may not rely on it."""
    if expires_on < timezone.localdate():
        raise ValidationError("The expiry date must be today or in the future.")
    authorisation = Authorisation(
        person=person,
        kind=AuthorisationKind.WRITTEN,
        authorised_party=authorised_party.strip(),
        scope=scope.strip(),
        document_reference=document_reference.strip(),
        expires_at=_end_of_day(expires_on),
        recorded_by=actor,
    )
    authorisation.full_clean()
    with transaction.atomic(durable=True):
        authorisation.save()
        audit_log(
            action="privacy.authorisation.recorded",
            actor=actor,
            target=authorisation,
            details={"person": person.pk, "kind": AuthorisationKind.WRITTEN.value},
        )
    return authorisation


def authorisation_record_one_off(
    *, verification: CallerVerification, authorised_party: str, scope: str, actor: User
) -> Authorisation:
    """A one-off verbal instruction, given by the person on this (passed, recent) call."""
    _require_fresh(verification)
    if verification.staff_id != actor.pk:
        raise PermissionDenied
    now = timezone.now()
    authorisation = Authorisation(
        person_id=verification.person_id,
        kind=AuthorisationKind.VERBAL_ONE_OFF,
        authorised_party=authorised_party.strip(),
        scope=scope.strip(),
        given_at=now,
        expires_at=now + ONE_OFF_VALID_FOR,
        recorded_by=actor,
        verification=verification,
    )
    authorisation.full_clean()
    with transaction.atomic(durable=True):
        authorisation.save()
        audit_log(
            action="privacy.authorisation.recorded",
            actor=actor,
            target=authorisation,
            details={
                "person": verification.person_id,
                "kind": AuthorisationKind.VERBAL_ONE_OFF.value,
                "verification": verification.pk,
            },
        )
    return authorisation


NOT_LIVE = "This authorisation has been used, revoked or has expired: do not rely on it."


def authorisation_use(
    *, authorisation: Authorisation, verification: CallerVerification, actor: User
) -> AuthorisationUse:
    """Record that staff discussed the person's data with the authorised party.

    A one-off instruction is spent by a conditional UPDATE: of two uses at the same time, the
    second finds the row already spent (PostgreSQL re-checks the condition after the first
    commits) and is refused.
    """
    _require_fresh(verification)
    if verification.person_id != authorisation.person_id:
        raise ValidationError("That authorisation is for someone else.")
    now = timezone.now()
    with transaction.atomic(durable=True):
        live = Authorisation.objects.live(now=now).filter(pk=authorisation.pk)
        if authorisation.is_one_off:
            spent = live.filter(kind=AuthorisationKind.VERBAL_ONE_OFF).update(
                used_at=now, used_by=actor
            )
            if spent != 1:
                raise ValidationError(NOT_LIVE)
        elif live.select_for_update().first() is None:
            raise ValidationError(NOT_LIVE)
        use = AuthorisationUse.objects.create(
            authorisation=authorisation, verification=verification, used_by=actor, used_at=now
        )
        audit_log(
            action="privacy.authorisation.used",
            actor=actor,
            target=authorisation,
            details={
                "person": authorisation.person_id,
                "kind": authorisation.kind,
                "verification": verification.pk,
                "use": use.pk,
            },
        )
    authorisation.refresh_from_db()
    return use


def authorisation_revoke(
    *, authorisation: Authorisation, actor: User, verification: CallerVerification | None
) -> None:
    """Revoke an authorisation: on a verified call with the person (``verification``), or at
    any time by a data protection lead (``verification`` None)."""
    require_call_or_lead(actor=actor, verification=verification, person=authorisation.person)
    on_call = on_verified_call(verification, staff=actor, person=authorisation.person)
    now = timezone.now()
    with transaction.atomic(durable=True):
        revoked = Authorisation.objects.filter(pk=authorisation.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor
        )
        if revoked != 1:
            raise ValidationError("This authorisation has already been revoked.")
        audit_log(
            action="privacy.authorisation.revoked",
            actor=actor,
            target=authorisation,
            details={
                "person": authorisation.person_id,
                "verification": verification.pk if on_call and verification else None,
            },
        )
    authorisation.refresh_from_db()


ALREADY_DECIDED = "This authorisation has already been approved, rejected or revoked."


def authorisation_approve(*, authorisation: Authorisation, actor: User) -> None:
    """A second person approves a written authorisation: from now staff may rely on it."""
    _decide(authorisation, actor=actor, verdict="approved", approved_at=timezone.now())


def authorisation_reject(*, authorisation: Authorisation, reason: str, actor: User) -> None:
    """A second person refuses a written authorisation (for example, the document is not
    signed by the person); staff never rely on it. The reason is kept and audited."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the authorisation is rejected"})
    _decide(
        authorisation,
        actor=actor,
        verdict="rejected",
        reason=reason.strip(),
        rejected_at=timezone.now(),
        rejection_reason=reason.strip(),
    )


def _decide(
    authorisation: Authorisation, *, actor: User, verdict: str, reason: str = "", **changes: Any
) -> None:
    """Approve or reject a written authorisation awaiting approval: only a data protection
    lead or administrator who did not record it, and only once (a conditional UPDATE, so of
    two decisions at once the second finds it decided)."""
    require_second_person(actor, recorded_by_id=authorisation.recorded_by_id, what="authorisation")
    with transaction.atomic():
        decided = (
            Authorisation.objects.awaiting_approval()
            .filter(pk=authorisation.pk)
            .update(**{f"{verdict}_by": actor}, **changes)
        )
        if decided != 1:
            raise ValidationError(ALREADY_DECIDED)
        audit_log(
            action=f"privacy.authorisation.{verdict}",
            actor=actor,
            target=authorisation,
            reason=reason,
            details={"person": authorisation.person_id},
        )
    authorisation.refresh_from_db()
