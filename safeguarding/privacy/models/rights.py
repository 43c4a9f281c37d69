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


class RightsRequest(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="rights_requests")
    kind = models.CharField(max_length=16, choices=RequestKind.choices)
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
