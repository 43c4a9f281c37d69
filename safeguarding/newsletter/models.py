"""Newsletters: topics, consent evidence per topic, the suppression list, campaigns and
their per-recipient deliveries.

Every email column is stored normalised (stripped, lower case). A person who unsubscribes
from everything is deleted; only a keyed hash of their address stays, in ``Suppression``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Topic(models.Model):
    """Something people can subscribe to (the NSCP newsletter, L&D news, ...)."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class SignUpVersion(models.Model):
    """One row whose ``value`` the database raises, in the same transaction, on every change
    to a topic or the consent wording (triggers from migration 0007): the public sign-up
    page is cached under it (``core.content_versions``), so it never shows an old list."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Sign-up page version {self.value}"


class ConsentWording(models.Model):
    """The consent statement shown on the sign-up form. Never edited: a change is a new
    version, so old evidence keeps pointing at the words the person actually saw."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Consent wording v{self.version}"


class Subscriber(models.Model):
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150, blank=True)
    # Keyed HMAC of the normalised address: how the suppression list recognises it.
    address_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The first time this address proved it is theirs; unconfirmed sign-ups are deleted.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    soft_bounces = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Subscriber {self.pk}"


class ConsentMethod(models.TextChoices):
    WEB_FORM = "web_form", "Web form"
    PAPER = "paper", "Paper form entered by staff"
    IMPORT = "import", "Import with evidence"


class Consent(models.Model):
    """One person's consent to one topic: when, the wording they saw, how, and whether it
    was confirmed (double opt-in) or later withdrawn."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="consents")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="consents")
    wording = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=ConsentMethod.choices)
    # For paper forms and imports: where the original evidence is (form reference, source).
    evidence = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    given_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "topic"],
                condition=Q(withdrawn_at__isnull=True),
                name="newsletter_one_live_consent_per_topic",
            )
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk}"


class SuppressionReason(models.TextChoices):
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed from everything"
    HARD_BOUNCE = "hard_bounce", "Hard bounce"
    COMPLAINT = "complaint", "Spam complaint"
    SOFT_BOUNCES = "soft_bounces", "Too many soft bounces"


class Suppression(models.Model):
    """An address that must not be mailed, kept only as a keyed hash."""

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=20, choices=SuppressionReason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Suppression {self.pk}"


class CampaignState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SCHEDULED = "scheduled", "Scheduled"
    SENDING = "sending", "Sending"
    PAUSED = "paused", "Paused"
    # Sending failed in a way retrying did not fix (the mail server refused us): the reason
    # is on the campaign page, and "Resume" tries the rest once it is fixed.
    STOPPED = "stopped", "Stopped: sending failed"
    FINISHED = "finished", "Finished"


class Campaign(models.Model):
    subject = models.CharField(max_length=200)
    body_markdown = models.TextField()
    topics = models.ManyToManyField(Topic, related_name="campaigns")
    state = models.CharField(max_length=20, choices=CampaignState.choices, default="draft")
    scheduled_for = models.DateTimeField(null=True, blank=True)
    # Empty once the account that wrote it is deleted (SET_NULL): the draft can still be edited.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set by each batch every few seconds while it sends; a campaign "sending" with an old
    # heartbeat lost its worker (sending.recover_stalled_campaigns starts a new batch).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # What is holding sending up, in plain words for the campaign page: set when a batch fails
    # (SENDING: it is being retried; STOPPED: the retries ran out), emptied when a batch gets
    # through or the campaign is resumed. Never personal data: only what the refusal means.
    problem = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.subject


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Waiting"
    CLAIMED = "claimed", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent: consent withdrawn or address suppressed"


class Delivery(models.Model):
    """One campaign message to one subscriber. Created when sending starts (recipients are
    chosen then), claimed by a worker in batches, and marked sent once the mail server
    accepted it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    # Emptied when the person unsubscribes from everything; the row stays for the counts.
    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    state = models.CharField(max_length=10, choices=DeliveryState.choices, default="pending")
    claim = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="newsletter_one_delivery_per_recipient"
            )
        ]
        # Claiming walks this index in id order (see sending._claim).
        indexes = [
            models.Index(fields=["campaign", "state", "id"], name="newsletter_delivery_claim")
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk}"
