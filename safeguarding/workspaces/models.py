"""Workspaces: the only way to restricted records.

A restricted record (a case review, a child death review) belongs to one workspace, and only
the workspace's live members see it: a partnership administrator, like everyone else, sees it
only through a membership. Memberships are granted by a named lead for a stated reason and are
revoked, never deleted, so the history of who could see what stays on record. Every read of a
restricted record is a ``ReadLog`` row, sealed day by day into the audit chain (``read_log``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from safeguarding.core.encrypted_fields import (
    EncryptedBytesField,
    EncryptedTextField,
    RowKeyed,
)

KIND_PATTERN = r"^[a-z][a-z0-9_]*$"


def _not_blank(field: str) -> GreaterThan[int]:
    """A condition: the text field holds more than white space."""
    return GreaterThan(Length(Trim(field)), 0)


class Workspace(models.Model):
    """A restricted area: one per case review or child death review."""

    kind = models.CharField(
        max_length=40,
        validators=[RegexValidator(KIND_PATTERN)],
        help_text=(
            "A short code registered by the app that owns the workspace, e.g. case_review "
            "(safeguarding.workspaces.kinds)."
        ),
    )
    title = models.CharField(
        max_length=200,
        help_text=(
            "A title that identifies no one: never a child's or a family member's name. Use "
            "the review's reference, e.g. 'Rapid review 2026-07'."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the work ended; no one can be added after."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("kind"), name="workspace_has_kind"),
            models.CheckConstraint(condition=_not_blank("title"), name="workspace_has_title"),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("created_at")),
                name="workspace_closed_after_created",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class MembershipRole(models.TextChoices):
    """What a member may do in a workspace. Each role includes the ones below it."""

    # Reads and writes the workspace's records, and grants, revokes and confirms memberships.
    LEAD = "lead", "Lead"
    # Reads and writes the workspace's records.
    MEMBER = "member", "Member"
    # Reads the workspace's records; changes nothing.
    REVIEWER = "reviewer", "Reviewer"


ROLE_RANK = {MembershipRole.REVIEWER: 1, MembershipRole.MEMBER: 2, MembershipRole.LEAD: 3}


class MembershipQuerySet(models.QuerySet["Membership"]):
    def live(self, *, at: datetime | None = None) -> MembershipQuerySet:
        """Memberships that give access now (or ``at``): not revoked, lapsed or expired."""
        now = at or timezone.now()
        return self.filter(revoked_at__isnull=True, lapsed_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class Membership(models.Model):
    """One person's access to one workspace, in one role.

    Granted by a lead for a stated reason, optionally until a date; revoked rather than
    deleted. ``confirmed_at`` is when a lead last confirmed the person still needs access
    (recertification); it starts as the time of the grant. Access not confirmed in time
    lapses (``lapsed_at``, set by a daily job: ``recertification``).
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="workspace_memberships"
    )
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(help_text="Why this person needs access.")
    granted_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(
        blank=True, help_text="When a lead last confirmed the access is still needed."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)
    lapsed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the access ended because no lead confirmed it in time.",
    )
    reminded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the leads were last emailed that this access needs confirming.",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["workspace", "granted_at"]
        indexes = [models.Index(fields=["user", "workspace"], name="membership_user_workspace")]
        constraints = [
            # At most one live membership per person per workspace (an expired one is revoked
            # when the person is given access again).
            models.UniqueConstraint(
                fields=["workspace", "user"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_membership_per_workspace",
            ),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role"
            ),
            models.CheckConstraint(condition=_not_blank("reason"), name="membership_has_reason"),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("granted_at")),
                name="membership_expires_after_granted",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__gte=F("granted_at")),
                name="membership_confirmed_after_granted",
            ),
            # Revoked means when, by whom and why; live means none of them.
            models.CheckConstraint(
                condition=(
                    Q(revoked_at__isnull=True, revoked_by__isnull=True, revocation_reason="")
                    | (
                        Q(revoked_at__isnull=False, revoked_by__isnull=False)
                        & Q(_not_blank("revocation_reason"))
                        & Q(revoked_at__gte=F("granted_at"))
                    )
                ),
                name="membership_revoked_with_reason",
            ),
            # A lead's access has no end date and does not lapse, so a workspace never loses
            # its last lead by the calendar.
            models.CheckConstraint(
                condition=~Q(role=MembershipRole.LEAD) | Q(expires_at__isnull=True),
                name="membership_lead_does_not_expire",
            ),
            models.CheckConstraint(
                condition=~Q(role=MembershipRole.LEAD) | Q(lapsed_at__isnull=True),
                name="membership_lead_does_not_lapse",
            ),
            models.CheckConstraint(
                condition=Q(lapsed_at__isnull=True) | Q(lapsed_at__gte=F("confirmed_at")),
                name="membership_lapsed_after_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"Membership {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.confirmed_at is None:
            self.confirmed_at = self.granted_at
        super().save(*args, **kwargs)

    def is_live(self, *, at: datetime | None = None) -> bool:
        now = at or timezone.now()
        return (
            self.revoked_at is None
            and self.lapsed_at is None
            and (self.expires_at is None or self.expires_at > now)
        )


class ReadLog(models.Model):
    """One read of one restricted record: who, when, in which workspace, what and why.

    Written in bulk outside the audit chain's lock (a list of fifty records is one insert);
    append-only on PostgreSQL, and each past day is sealed by a digest in the audit chain.
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="+")
    target_type = models.CharField(max_length=100, help_text='"app_label.modelname"')
    target_id = models.CharField(max_length=64)
    purpose = models.CharField(max_length=100, help_text="Why it was read, e.g. view or list.")

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("purpose"), name="read_log_has_purpose"),
        ]

    def __str__(self) -> str:
        return f"Read {self.pk}"


# --- Protected records shared by every kind of review ----------------------------------------
# Their free text, which may say anything about a child or a family, is encrypted
# (``fields``); each row's values are bound to its random ``row_key``.


class DocumentKind(models.TextChoices):
    """The kinds of file a workspace accepts, always detected from the content itself."""

    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    ODT = "odt", "OpenDocument text (ODT)"
    TEXT = "txt", "Plain text"


class Document(RowKeyed):
    """A file uploaded to a workspace, stored encrypted in the database with its size and
    SHA-256 (of the plain content). Read only through ``documents.document_download``."""

    workspace = models.ForeignKey(Workspace, on_delete=models.PROTECT, related_name="documents")
    title = EncryptedTextField(help_text="What the document is; encrypted, as it may name a child.")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    size = models.PositiveBigIntegerField(help_text="Bytes of the plain content.")
    sha256 = models.CharField(max_length=64, help_text="SHA-256 of the plain content, in hex.")
    content = EncryptedBytesField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workspace", "uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=DocumentKind.values), name="document_kind"),
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Document {self.pk}"


class LawfulBasis(models.TextChoices):
    """UK GDPR Article 6 bases for sharing to safeguard children (consent is not usually the
    right basis: Information sharing advice for safeguarding practitioners, 2024)."""

    PUBLIC_TASK = "6(1)(e)", "UK GDPR Article 6(1)(e): public task"
    LEGAL_OBLIGATION = "6(1)(c)", "UK GDPR Article 6(1)(c): legal obligation"


class SpecialCondition(models.TextChoices):
    """The condition for special category data (health, for example)."""

    SAFEGUARDING = (
        "9(2)(g) sch1 para18",
        "UK GDPR Article 9(2)(g) with DPA 2018 Schedule 1 paragraph 18: safeguarding of "
        "children and individuals at risk",
    )


class SharingDecision(RowKeyed):
    """One decision to share, or not to share, information about a child or family (P05).

    Sharing without consent is never refused: it needs the reasons and the manager who
    authorised it, so it is recorded rather than prevented. Append-only: a decision that was
    recorded wrongly is put right by recording a new one.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.PROTECT, related_name="sharing_decisions"
    )
    shared = models.BooleanField(help_text="Whether the information was shared.")
    information = EncryptedTextField(help_text="What was shared, or asked for and not shared.")
    recipient_organisation = models.CharField(max_length=200)
    answers = models.CharField(
        max_length=80,
        blank=True,
        default="",
        help_text="The sharing event this decision is for, as its workspace's kind names it.",
    )
    recipient_person = EncryptedTextField(blank=True, help_text="Name and role, where known.")
    purpose = EncryptedTextField(help_text="What the information is for.")
    means = models.CharField(
        max_length=200, blank=True, help_text="How it was shared, for example secure email."
    )
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    special_category = models.BooleanField(default=False)
    special_condition = models.CharField(
        max_length=40, choices=SpecialCondition.choices, blank=True
    )
    consent_sought = models.BooleanField()
    consent_given = models.BooleanField(null=True, blank=True, help_text="Empty if not sought.")
    consent_not_sought_reason = EncryptedTextField(blank=True)
    rationale = EncryptedTextField(help_text="The reasons for the decision.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(help_text="When the decision was made.")
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The manager who authorised sharing without consent.",
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["workspace", "decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lawful_basis__in=LawfulBasis.values), name="sharing_lawful_basis"
            ),
            models.CheckConstraint(
                condition=Q(special_category=False, special_condition="")
                | Q(special_category=True, special_condition__in=SpecialCondition.values),
                name="sharing_special_condition",
            ),
            models.CheckConstraint(
                condition=Q(consent_sought=True, consent_given__isnull=False)
                | Q(consent_sought=False, consent_given__isnull=True),
                name="sharing_consent_given_only_if_sought",
            ),
            # Shared without consent: a manager other than the decision-maker authorised it.
            models.CheckConstraint(
                condition=Q(shared=False)
                | Q(consent_given=True)
                | (Q(authorised_by__isnull=False) & ~Q(authorised_by=F("decided_by"))),
                name="sharing_without_consent_authorised",
            ),
            models.CheckConstraint(
                condition=_not_blank("recipient_organisation"), name="sharing_has_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"Sharing decision {self.pk}"

    @property
    def without_consent(self) -> bool:
        return self.shared and self.consent_given is not True


class SharingThirdParty(RowKeyed):
    """Someone other than the child named in a sharing decision (a relative, a neighbour, the
    person who raised the concern). ``harm_if_disclosed`` marks those who might suffer harm if
    their details became known, for the access-request withholding workflow."""

    decision = models.ForeignKey(
        SharingDecision, on_delete=models.PROTECT, related_name="third_parties"
    )
    description = EncryptedTextField(help_text="Who they are, for example 'the neighbour'.")
    harm_if_disclosed = models.BooleanField(default=False)
    harm_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["decision", "id"]

    def __str__(self) -> str:
        return f"Third party {self.pk}"
