"""Data subject rights requests (UK GDPR Articles 15-21) and the pauses of their clock.

A request made on the web waits for its requester to click the emailed link, which confirms
their identity and starts the clock; one logged by staff (phone, letter, email) starts with
the identity check the staff member recorded. ``due_on`` is derived by the services from the
clock (``safeguarding.privacy.rights.clock``) whenever anything that moves it changes, and stored so
the staff queue can filter and sort by it in the database.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from safeguarding.core.encrypted_fields import EncryptedDateField, EncryptedTextField, RowKeyed
from safeguarding.inventory.subjects import ChildIdentity, SubjectKey
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.rights.clock import MAX_EXTENSION_MONTHS, days_left

DETAILS_MAX_LENGTH = 5000
NOTE_MAX_LENGTH = 2000


class RequestKind(models.TextChoices):
    ACCESS = "access", "Access: a copy of your data"
    RECTIFICATION = "rectification", "Rectification: correct your data"
    ERASURE = "erasure", "Erasure: delete your data"
    RESTRICTION = "restriction", "Restriction: limit how we use your data"
    OBJECTION = "objection", "Objection: object to how we use your data"


class RequestSubject(models.TextChoices):
    """Whose data the request is about. The requester (``person``) is always who we answer."""

    SELF = "self", "The requester themselves"
    CHILD = "child", "A child the requester is responsible for"
    ADULT = "adult", "Another adult the requester acts for"


class RequestChannel(models.TextChoices):
    WEB = "web", "Web form"
    PHONE = "phone", "Phone"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"


class RequestStatus(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", "Awaiting confirmation"
    OPEN = "open", "Open"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


RUNNING = (RequestStatus.OPEN, RequestStatus.PAUSED)
CLOSED = (RequestStatus.COMPLETED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


class RightsRequest(RowKeyed):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rights_requests")
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
    # Whose data is asked for. For a child: their name, date of birth and NHS number, stored
    # encrypted (they identify a child, perhaps one in a case review), matched against other
    # records through keyed lookup hashes only (``subject_key()``).
    subject = models.CharField(
        max_length=8, choices=RequestSubject.choices, default=RequestSubject.SELF
    )
    subject_authority = models.TextField(
        max_length=NOTE_MAX_LENGTH,
        blank=True,
        help_text="The requester's authority to act for the subject, and how it was checked.",
    )
    subject_name = EncryptedTextField(null=True, blank=True)
    subject_date_of_birth = EncryptedDateField(null=True, blank=True)
    subject_nhs_number = EncryptedTextField(null=True, blank=True)
    subject_email = models.EmailField(
        blank=True, help_text="Another adult's address, when the request is made for them."
    )
    details = models.TextField(max_length=DETAILS_MAX_LENGTH, blank=True)
    channel = models.CharField(max_length=8, choices=RequestChannel.choices)
    received_at = models.DateTimeField(default=timezone.now)
    identity_confirmed_at = models.DateTimeField(null=True, blank=True)
    identity_note = models.TextField(
        max_length=NOTE_MAX_LENGTH, blank=True, help_text="How staff confirmed the identity."
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The staff member who logged it; empty for a request made on the web.",
    )
    status = models.CharField(
        max_length=24, choices=RequestStatus.choices, default=RequestStatus.AWAITING_CONFIRMATION
    )
    due_on = models.DateField(
        null=True, blank=True, help_text="Derived from the clock; paused days so far excluded."
    )
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)
    extension_notified_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was closed: completed, refused or withdrawn."
    )
    outcome = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="rights_request_queue_idx"),
            models.Index(fields=["status", "received_at"], name="rights_request_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(extension_months__lte=MAX_EXTENSION_MONTHS),
                name="rights_request_extension_at_most_two_months",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"RR-{self.pk:06d}" if self.pk else "RR-new"

    @property
    def on_behalf_of_someone_else(self) -> bool:
        return self.subject != RequestSubject.SELF

    def subject_key(self) -> SubjectKey:
        """Whose records this request finds: the requester's own (by their address), a
        child's (by their identity, never the parent's address) or another adult's."""
        if self.subject == RequestSubject.CHILD:
            return SubjectKey(
                child=ChildIdentity(
                    full_name=self.subject_name or "",
                    date_of_birth=self.subject_date_of_birth,
                    nhs_number=self.subject_nhs_number or "",
                )
            )
        if self.subject == RequestSubject.ADULT:
            return SubjectKey(email=self.subject_email)
        return SubjectKey(email=self.person.email or "", person_id=self.person_id)

    def subject_unfindable(self) -> str:
        """Why the subject's records cannot be found automatically, or "" when they can."""
        if self.subject == RequestSubject.SELF and not self.person.email:
            return (
                "We have no email address for this requester, so their records cannot be found "
                "automatically."
            )
        if self.subject == RequestSubject.ADULT and not self.subject_email:
            return (
                "We have no email address for the adult this request is for, so their records "
                "cannot be found automatically."
            )
        if self.subject == RequestSubject.CHILD and not (
            self.subject_name and (self.subject_date_of_birth or self.subject_nhs_number)
        ):
            return (
                "We need the child's name and their date of birth or NHS number to find their "
                "records."
            )
        return ""

    def subject_description(self) -> str:
        """On whose behalf the request was made, in plain words, for staff and the export."""
        if self.subject == RequestSubject.SELF:
            return "The requester, for their own data."
        return f"On behalf of: {self.subject_key().describe()}."

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @property
    def days_left(self) -> int | None:
        if self.due_on is None or not self.is_running:
            return None
        return days_left(self.due_on, today=timezone.localdate())

    @property
    def days_overdue(self) -> int:
        left = self.days_left
        return -left if left is not None and left < 0 else 0

    @property
    def received_on(self) -> date:
        return timezone.localdate(self.received_at)


class RequestPause(models.Model):
    """The clock stopped while we waited for the requester to clarify their request."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(ended_at__isnull=True),
                name="one_running_pause_per_request",
            )
        ]

    def __str__(self) -> str:
        return f"Pause {self.pk} of request {self.request_id}"
