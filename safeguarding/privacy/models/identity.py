"""Who we may talk to about someone's data (P11, P12) and what the law made us disclose (P07).

- ``SecurityQuestion``: a person's chosen question and a hash of their normalised answer.
- ``CallerVerification``: one identity check on a phone call, with the two questions it asked
  (chosen when it starts, so reloading the screen cannot re-roll them) and its outcome.
- ``Authorisation``: the person has allowed us to discuss their data with someone else, in
  writing (until an expiry date, once a second person has approved it) or by a one-off verbal
  instruction on a verified call (spent by its first use). ``AuthorisationUse`` records each
  time staff relied on one.
- ``DisclosureRecord``: the disclosure register, each entry approved by a second person.

Authorisations and disclosures are addressed in URLs by ``public_id``, a random UUID, never by
their database id, so one cannot be found by counting.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.privacy.models.person import Person

# --- Security questions -------------------------------------------------------------------------


class Question(models.TextChoices):
    """The questions a person may choose from. Keys are stored; the wording may be improved."""

    FIRST_SCHOOL = "first_school", "Name of your first school"
    BIRTH_TOWN = "birth_town", "Town or city you were born in"
    FIRST_PET = "first_pet", "Name of your first pet"
    CHILDHOOD_STREET = "childhood_street", "Street you grew up on"
    FIRST_JOB = "first_job", "Your first job"
    FAVOURITE_TEACHER = "favourite_teacher", "Surname of your favourite teacher"
    FIRST_CAR = "first_car", "Make of your first car"
    CHILDHOOD_FRIEND = "childhood_friend", "First name of your childhood best friend"


class SecurityQuestion(models.Model):
    """One of a person's security questions. The answer is only ever stored as a hash."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="security_questions")
    question = models.CharField(max_length=32, choices=Question.choices)
    answer_hash = models.CharField(max_length=256)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["person", "question"]
        constraints = [
            models.UniqueConstraint(fields=["person", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Security question {self.pk}"


class SecurityQuestionsLink(models.Model):
    """The one link to set security questions that works for a person: the newest one sent,
    until it is used. Its nonce is in the link's signed token; a newer link replaces it and
    using the link deletes it, so an older or used link is refused."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="+")
    nonce = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Security questions link {self.pk}"


# --- Caller verification ------------------------------------------------------------------------


class VerificationOutcome(models.TextChoices):
    PENDING = "pending", "Waiting for the caller's answers"
    PASSED = "passed", "Passed"
    FAILED = "failed", "Failed"


class CallerVerification(models.Model):
    """One attempt to confirm that a caller is the person they say they are."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="verifications")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question_keys = models.JSONField(default=list)
    started_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(
        max_length=16, choices=VerificationOutcome.choices, default=VerificationOutcome.PENDING
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(
                fields=["person", "outcome", "completed_at"], name="verification_person_idx"
            )
        ]

    def __str__(self) -> str:
        return f"Caller verification {self.pk}"

    @property
    def questions(self) -> list[tuple[str, str]]:
        return [(key, Question(key).label) for key in self.question_keys]

    @property
    def passed(self) -> bool:
        return self.outcome == VerificationOutcome.PASSED

    @property
    def pending(self) -> bool:
        return self.outcome == VerificationOutcome.PENDING


# --- Authorisations -----------------------------------------------------------------------------


class AuthorisationKind(models.TextChoices):
    WRITTEN = "written", "Written authorisation"
    VERBAL_ONE_OFF = "verbal_one_off", "One-off verbal instruction"


class AuthorisationQuerySet(models.QuerySet["Authorisation"]):
    def live(self, *, now: datetime | None = None) -> AuthorisationQuerySet:
        """Authorisations staff may rely on now: approved if written (a one-off instruction
        needs no approval: the person gave it on a verified call), not rejected, not revoked,
        not expired, not spent."""
        now = now or timezone.now()
        return self.filter(
            Q(kind=AuthorisationKind.VERBAL_ONE_OFF) | Q(approved_at__isnull=False),
            rejected_at__isnull=True,
            revoked_at__isnull=True,
            used_at__isnull=True,
            expires_at__gt=now,
        )

    def awaiting_approval(self) -> AuthorisationQuerySet:
        """Written authorisations that a second person has neither approved nor rejected."""
        return self.filter(
            kind=AuthorisationKind.WRITTEN,
            approved_at__isnull=True,
            rejected_at__isnull=True,
            revoked_at__isnull=True,
        )


class Authorisation(models.Model):
    """The person has allowed us to discuss their personal data with someone else.

    ``expires_at`` is the first moment it no longer applies: for a written authorisation the
    start of the day after its expiry date; for a one-off verbal instruction a fixed time after
    it was given, if it has not been used by then. ``used_at`` is set only for a one-off
    instruction, by its first (and only) use.

    A written authorisation is "awaiting approval", and staff may not rely on it, until a data
    protection lead or partnership administrator other than the one who recorded it approves
    it (or rejects it, with a reason).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="authorisations")
    kind = models.CharField(max_length=16, choices=AuthorisationKind.choices)
    authorised_party = models.CharField(
        max_length=200, help_text="Who may be spoken to, and their relationship to the person."
    )
    scope = models.TextField(help_text="What may be discussed.")
    document_reference = models.CharField(max_length=100, blank=True)
    given_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verification = models.ForeignKey(
        CallerVerification,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The verified call on which a one-off instruction was given.",
    )
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)

    objects = AuthorisationQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="verbal_one_off") | Q(used_at__isnull=True),
                name="only_one_off_authorisations_are_spent",
            ),
            models.CheckConstraint(
                condition=~Q(kind="written") | ~Q(document_reference=""),
                name="written_authorisation_has_a_document",
            ),
            models.CheckConstraint(
                condition=Q(kind="written") | Q(approved_at__isnull=True, rejected_at__isnull=True),
                name="only_written_authorisations_are_approved",
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(rejected_at__isnull=True),
                name="authorisation_approved_or_rejected_not_both",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("recorded_by")),
                name="authorisation_approved_by_someone_else",
            ),
            models.CheckConstraint(
                condition=Q(rejected_by__isnull=True) | ~Q(rejected_by=models.F("recorded_by")),
                name="authorisation_rejected_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"Authorisation {self.pk}"

    @property
    def awaiting_approval(self) -> bool:
        return (
            self.kind == AuthorisationKind.WRITTEN
            and self.approved_at is None
            and self.rejected_at is None
            and self.revoked_at is None
        )

    @property
    def is_one_off(self) -> bool:
        return self.kind == AuthorisationKind.VERBAL_ONE_OFF

    @property
    def valid_until(self) -> datetime:
        """The last moment it applies, for display ("until 31 March 2027")."""
        return timezone.localtime(self.expires_at - timedelta(seconds=1))

    def status(self, *, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "Revoked"
        if self.rejected_at is not None:
            return "Rejected"
        if self.awaiting_approval:
            return "Awaiting approval"
        if self.used_at is not None:
            return "Used"
        if self.expires_at <= now:
            return "Expired"
        return "Live"


class AuthorisationUse(models.Model):
    """Staff discussed the person's data with the authorised party, relying on this."""

    authorisation = models.ForeignKey(Authorisation, on_delete=models.CASCADE, related_name="uses")
    verification = models.ForeignKey(
        CallerVerification, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-used_at", "-pk"]

    def __str__(self) -> str:
        return f"Use of authorisation {self.authorisation_id}"


# --- The disclosure register --------------------------------------------------------------------


class LegalBasis(models.TextChoices):
    COURT_ORDER = "court_order", "Court order"
    IMMEDIATE_HARM = "immediate_harm", "To protect someone from immediate risk of harm"
    STATUTORY_DUTY = "statutory_duty", "A statutory duty to share"
    POLICE_CRIME = (
        "police_crime",
        "Police request for the prevention or detection of crime or taxation "
        "(DPA 2018 Schedule 2 paragraph 2)",
    )
    OTHER = "other", "Other"


class DisclosureRecord(models.Model):
    """A disclosure of someone's personal data that the law required or allowed without consent.

    It is "awaiting approval" until a second member of staff (a data protection lead or a
    partnership administrator, not the one who recorded it) approves it. The subject sees it
    in a copy of their data unless ``withhold_from_subject`` is set with an exemption reason.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disclosures")
    requester_organisation = models.CharField(max_length=200)
    requester = models.CharField(max_length=200, help_text="The person or role who asked.")
    legal_basis = models.CharField(max_length=32, choices=LegalBasis.choices)
    legal_basis_description = models.TextField(blank=True)
    what_disclosed = models.TextField()
    disclosed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    withhold_from_subject = models.BooleanField(default=False)
    exemption_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-disclosed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(legal_basis="other") | ~Q(legal_basis_description=""),
                name="other_legal_basis_is_described",
            ),
            models.CheckConstraint(
                condition=Q(withhold_from_subject=False) | ~Q(exemption_reason=""),
                name="withheld_disclosure_names_its_exemption",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("recorded_by")),
                name="disclosure_approved_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"Disclosure {self.pk}"

    @property
    def awaiting_approval(self) -> bool:
        return self.approved_at is None
