"""What staff did to answer a rights request, beyond the request itself.

- ``WithheldItem``: something left out of an access export under an exemption (a whole
  record, one field of one, or something the export does not hold, by description), proposed by
  one person and signed off by a second; the requester is told about it in plain words (the
  redaction schedule) without being shown it.
- ``PreparedErasure``: an erasure one person prepared, waiting for a second data protection
  lead or administrator to approve it; only the approval carries it out.
- ``ErasureReport``: what an erasure removed, anonymised and kept, and why, by record type.
  Counts and reasons only, so it names no one and can be kept as the evidence of the answer.
- ``Rectification``: a correction of one field of one record, with the value before and after.
- ``ProcessingRestriction``: while one is in force, later features must not process the
  person's data beyond storing it (``processing_restricted(email)``).
- ``Objection``: an objection to processing under one purpose, and the decision on it.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from safeguarding.privacy.models.person import Person
from safeguarding.privacy.models.rights import NOTE_MAX_LENGTH, RightsRequest
from safeguarding.privacy.models.two_person import (
    TwoPersonChange,
    TwoPersonQuerySet,
    one_waiting_per,
)

ERASURE_ALREADY_WAITING = (
    "This erasure is already prepared and waiting for a second person: withdraw it or wait "
    "for a decision."
)


class Exemption(models.TextChoices):
    THIRD_PARTY = "third_party", "Third-party data"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    SOCIAL_WORK = "social_work", "Social work data"
    LEGAL_PRIVILEGE = "legal_privilege", "Legal professional privilege"
    OTHER = "other", "Other exemption"


# What the requester reads about each exemption, in plain words (DPA 2018 Schedules 2-4).
EXEMPTION_IN_WORDS = {
    Exemption.THIRD_PARTY: (
        "It is about another person as well as you, and they have not agreed to it being "
        "shared, and it would not be reasonable to share it without their agreement."
    ),
    Exemption.SERIOUS_HARM: (
        "Sharing it would be likely to cause serious harm to the physical or mental health "
        "of you or someone else."
    ),
    Exemption.SOCIAL_WORK: (
        "It is social work information, and sharing it would be likely to prejudice the "
        "carrying out of social work by causing serious harm."
    ),
    Exemption.LEGAL_PRIVILEGE: (
        "It is legal advice, or was prepared for legal proceedings, and is protected by "
        "legal professional privilege."
    ),
    Exemption.OTHER: "Another exemption in the Data Protection Act 2018 applies to it.",
}


class WithheldItem(models.Model):
    request = models.ForeignKey(
        RightsRequest, on_delete=models.CASCADE, related_name="withheld_items"
    )
    exemption = models.CharField(max_length=16, choices=Exemption.choices)
    description = models.CharField(
        max_length=300,
        help_text="What was withheld, in plain words the requester will read; not its content.",
    )
    model_label = models.CharField(
        max_length=100, blank=True, help_text="The record type left out of the export, if any."
    )
    object_id = models.CharField(max_length=64, blank=True)
    field_name = models.CharField(
        max_length=100, blank=True, help_text="One field of the record, or empty for all of it."
    )
    justification = models.TextField(max_length=NOTE_MAX_LENGTH)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["proposed_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True) | ~Q(signed_off_by=F("proposed_by")),
                name="withheld_item_signed_off_by_a_second_person",
            ),
            models.CheckConstraint(
                condition=Q(model_label="", object_id="") | (~Q(model_label="") & ~Q(object_id="")),
                name="withheld_item_names_a_whole_record_or_none",
            ),
            models.CheckConstraint(
                condition=Q(field_name="") | ~Q(object_id=""),
                name="withheld_field_belongs_to_a_record",
            ),
        ]

    def __str__(self) -> str:
        return f"Withheld item {self.pk}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def exemption_in_words(self) -> str:
        return EXEMPTION_IN_WORDS[Exemption(self.exemption)]


class PreparedErasureQuerySet(TwoPersonQuerySet["PreparedErasure"]):
    pass


class PreparedErasure(TwoPersonChange):
    """An erasure prepared by ``proposed_by``: it is carried out, in the approver's request,
    only when a different data protection lead or administrator approves it."""

    request = models.ForeignKey(
        RightsRequest, on_delete=models.CASCADE, related_name="prepared_erasures"
    )
    reason = models.TextField(
        max_length=NOTE_MAX_LENGTH, blank=True, help_text="A note for the second person."
    )

    objects = PreparedErasureQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            one_waiting_per(
                "request",
                name="one_prepared_erasure_waiting_per_request",
                message=ERASURE_ALREADY_WAITING,
            ),
        ]

    def __str__(self) -> str:
        return f"Prepared erasure {self.pk}"

    def audit_details(self) -> dict[str, object]:
        return {"request": self.request_id}


class ErasureReport(models.Model):
    request = models.OneToOneField(
        RightsRequest, on_delete=models.CASCADE, related_name="erasure_report"
    )
    carried_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    carried_out_at = models.DateTimeField(default=timezone.now)
    # [{"model", "name", "removed", "anonymised", "kept", "reason"}]: no personal data.
    lines = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Erasure report {self.pk}"


class Rectification(models.Model):
    request = models.ForeignKey(
        RightsRequest, on_delete=models.CASCADE, related_name="rectifications"
    )
    model_label = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    field_name = models.CharField(max_length=100)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Rectification {self.pk}"


class ProcessingRestriction(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="restrictions")
    request = models.ForeignKey(
        RightsRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(max_length=NOTE_MAX_LENGTH)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lift_reason = models.TextField(max_length=NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(lifted_at__isnull=True),
                name="one_restriction_in_force_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Restriction {self.pk}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None


class ObjectionOutcome(models.TextChoices):
    STOPPED = "stopped", "Upheld: we stop processing for this purpose"
    CONTINUED = "continued", "Not upheld: compelling reasons to continue"


class Objection(models.Model):
    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="objections")
    purpose = models.CharField(max_length=64)
    outcome = models.CharField(max_length=16, choices=ObjectionOutcome.choices)
    reasons = models.TextField(max_length=NOTE_MAX_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]

    def __str__(self) -> str:
        return f"Objection {self.pk}"


# Wrong email addresses typed on a download page before its link stops working.
EXPORT_CONFIRMATION_ATTEMPTS = 5


class LinkEnded(models.TextChoices):
    """Why staff stopped a download link before it ran out."""

    CANCELLED = "cancelled", "Cancelled"
    REPLACED = "replaced", "Replaced by a new link"


class ExportDelivery(models.Model):
    """The access export, delivered: an emailed link to a page where the requester confirms
    their email address again and downloads the bundle. The link (a signed token naming this
    row, made only when the email is written) works until ``expires_at``, for at most
    ``downloads_allowed`` downloads, and stops after ``EXPORT_CONFIRMATION_ATTEMPTS`` wrong
    addresses. The bundle is built at each download, from the request's final redaction
    schedule; no copy of it is stored."""

    request = models.ForeignKey(RightsRequest, on_delete=models.CASCADE, related_name="deliveries")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    downloads_allowed = models.PositiveSmallIntegerField()
    downloads_used = models.PositiveSmallIntegerField(default=0)
    failed_confirmations = models.PositiveSmallIntegerField(default=0)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)
    # Set when staff cancel the link or send a new one in its place; the link then stops.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_why = models.CharField(max_length=16, choices=LinkEnded.choices, blank=True)
    ended_reason = models.TextField(blank=True, max_length=NOTE_MAX_LENGTH)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(downloads_used__lte=F("downloads_allowed")),
                name="export_delivery_downloads_within_allowance",
            )
        ]

    def __str__(self) -> str:
        return f"Export delivery {self.pk}"

    @property
    def downloads_left(self) -> int:
        return max(self.downloads_allowed - self.downloads_used, 0)

    def unusable(self, *, now: datetime) -> str:
        """Why the link no longer works, in words for the requester, or "" if it works."""
        if self.ended_why == LinkEnded.REPLACED:
            return "This link has been replaced by a newer one: use the link in our latest email."
        if self.ended_at is not None:
            return "This link has been cancelled."
        if now >= self.expires_at:
            return "This link has expired."
        if self.downloads_used >= self.downloads_allowed:
            return "This link has been used as many times as it can be."
        if self.failed_confirmations >= EXPORT_CONFIRMATION_ATTEMPTS:
            return (
                "This link has stopped working because the wrong email address was entered "
                "too many times."
            )
        return ""
