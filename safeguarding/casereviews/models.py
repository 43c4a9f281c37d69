"""Case reviews: a serious incident, its rapid review and any local practice review, each case
in its own workspace (Working Together to Safeguard Children 2023, chapter 5).

A ``CaseReview`` is one workspace of kind ``case_review``; every record below belongs to one
case and is read only through ``workspaces.selectors`` by the case's live members. Anything
that may identify a child or a family, and every free-text note, chronology entry and minute,
is encrypted (``core.encrypted_fields``). The statutory clocks are computed from the dates
here by ``clocks.py``; the rules (no rapid review without a notification, publication only
once the report went to the panel and the Department in time) are in ``services.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length, Trim
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from safeguarding.core.encrypted_fields import (
    EncryptedDateField,
    EncryptedTextField,
    LookupHashField,
    RowKeyed,
)
from safeguarding.workspaces.models import Workspace

KIND = "case_review"


def _not_blank(field: str) -> GreaterThan[int]:
    return GreaterThan(Length(Trim(field)), 0)


class Stage(models.TextChoices):
    NOTIFICATION = "notification", "Serious incident notification"
    RAPID_REVIEW = "rapid_review", "Rapid review"
    PRACTICE_REVIEW = "practice_review", "Local practice review"
    NATIONAL_REVIEW = "national_review", "Referred for a national review"
    PUBLISHED = "published", "Published"
    NOT_PUBLISHED = "not_published", "Not published: improvements published instead"
    CLOSED = "closed", "Closed"


# Every stage but closed: a published review's action plan is still being carried out.
LIVE_STAGES = (
    Stage.NOTIFICATION,
    Stage.RAPID_REVIEW,
    Stage.PRACTICE_REVIEW,
    Stage.NATIONAL_REVIEW,
    Stage.PUBLISHED,
    Stage.NOT_PUBLISHED,
)


class CaseReview(RowKeyed):
    """One serious incident and the reviews that follow it."""

    workspace = models.OneToOneField(Workspace, on_delete=models.PROTECT, related_name="case")
    reference = models.CharField(
        max_length=40,
        unique=True,
        help_text="The partnership's reference, e.g. 'CR 2026-07'; never a name.",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NOTIFICATION)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = EncryptedTextField(blank=True, help_text="What happened, briefly.")
    closed_at = models.DateTimeField(null=True, blank=True)
    referred_from = models.ForeignKey(
        Workspace,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The workspace (a child death review) whose referral opened this case.",
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("reference"), name="case_has_reference"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="case_stage"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_live(self) -> bool:
        return self.stage in LIVE_STAGES


class SubjectRole(models.TextChoices):
    CHILD = "child", "The child"
    SIBLING = "sibling", "A brother or sister"
    PARENT = "parent", "A parent"
    CARER = "carer", "A carer"
    RELATIVE = "relative", "Another relative"
    OTHER = "other", "Someone else"


class CaseSubject(RowKeyed):
    """One line of a case's key list: the pseudonym used everywhere in the case ("Child A",
    "Mother") and the real identity behind it, encrypted, with keyed lookup hashes so that an
    access request about a child (who has no email) finds the case, and so that the
    re-identification check knows what to look for."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="subjects")
    pseudonym = models.CharField(max_length=60, help_text='As the report names them: "Child A".')
    role = models.CharField(max_length=20, choices=SubjectRole.choices)
    full_name = EncryptedTextField()
    other_names = EncryptedTextField(blank=True, help_text="Known-as names, one a line.")
    date_of_birth = EncryptedDateField(null=True, blank=True)
    address = EncryptedTextField(blank=True)
    school = EncryptedTextField(blank=True)
    nhs_number = EncryptedTextField(blank=True)
    name_lookup = LookupHashField()
    born_lookup = LookupHashField()
    nhs_lookup = LookupHashField()
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "pseudonym"], name="case_subject_pseudonym_once"
            ),
            models.CheckConstraint(
                condition=_not_blank("pseudonym"), name="case_subject_has_pseudonym"
            ),
            models.CheckConstraint(
                condition=Q(role__in=SubjectRole.values), name="case_subject_role"
            ),
        ]

    def __str__(self) -> str:
        return self.pseudonym


class Outcome(models.TextChoices):
    DIED = "died", "The child died"
    SERIOUS_HARM = "serious_harm", "The child was seriously harmed"


class Notification(RowKeyed):
    """The serious incident notification to the Child Safeguarding Practice Review Panel
    (Children Act 2004 s16C): due within 5 working days of the local authority becoming
    aware. A looked-after child's death is notified to Ofsted and the Secretary of State too."""

    case = models.OneToOneField(CaseReview, on_delete=models.CASCADE, related_name="notification")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    aware_on = models.DateField(help_text="When the local authority became aware.")
    notified_on = models.DateField(null=True, blank=True, help_text="When the panel was told.")
    looked_after = models.BooleanField(default=False)
    ofsted_notified_on = models.DateField(null=True, blank=True)
    secretary_of_state_notified_on = models.DateField(null=True, blank=True)
    agencies = models.TextField(
        blank=True, help_text="The agencies involved with the family, one a line."
    )
    circumstances = EncryptedTextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="notice_outcome"),
            models.CheckConstraint(
                condition=Q(looked_after=True)
                | Q(ofsted_notified_on__isnull=True, secretary_of_state_notified_on__isnull=True),
                name="notice_ofsted_only_if_looked_after",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk}"


class RapidReviewDecision(models.TextChoices):
    LOCAL_REVIEW = "local_review", "A local child safeguarding practice review"
    NATIONAL_REVIEW = "national_review", "Refer to the national panel for a national review"
    NO_FURTHER_REVIEW = "no_further_review", "No further review"


class RapidReview(RowKeyed):
    """The rapid review: due 15 working days from the date the notification was sent. It
    exists only with its notification (the foreign key cannot be empty)."""

    notification = models.OneToOneField(
        Notification, on_delete=models.CASCADE, related_name="rapid_review"
    )
    case = models.OneToOneField(CaseReview, on_delete=models.CASCADE, related_name="rapid_review")
    started_on = models.DateField()
    meeting_on = models.DateField(null=True, blank=True)
    decision = models.CharField(
        max_length=20, choices=RapidReviewDecision.choices, blank=True, default=""
    )
    decision_reasons = EncryptedTextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    summary = EncryptedTextField(blank=True, help_text="The summary and outcome report.")
    signed_off_on = models.DateField(null=True, blank=True)
    signed_off_by = models.TextField(
        blank=True, help_text="The statutory partners who signed it off, one a line."
    )
    sent_to_panel_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=RapidReviewDecision.values),
                name="rapid_review_decision",
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_on__isnull=True)
                | (~Q(decision="") & Q(decided_on__isnull=False)),
                name="rapid_review_decided_with_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Rapid review {self.pk}"


class InformationRequest(RowKeyed):
    """A request to an agency for what it knew of the family (who, what, when asked, when
    returned), usually an individual agency summary for the rapid review."""

    case = models.ForeignKey(
        CaseReview, on_delete=models.CASCADE, related_name="information_requests"
    )
    agency = models.CharField(max_length=200)
    request = EncryptedTextField(help_text="What was asked for.")
    asked_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "asked_on", "id"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("agency"), name="info_request_agency"),
        ]

    def __str__(self) -> str:
        return f"Information request {self.pk}"


class PracticeReviewKind(models.TextChoices):
    LCSPR = "lcspr", "Local child safeguarding practice review"
    LEARNING = "learning", "Local learning review"


class PracticeReview(RowKeyed):
    """A local child safeguarding practice review (or a local learning review): the final
    report is due 6 months from the decision to hold it, and goes to the national panel and
    the Department at least 7 working days before publication."""

    case = models.OneToOneField(
        CaseReview, on_delete=models.CASCADE, related_name="practice_review"
    )
    kind = models.CharField(max_length=20, choices=PracticeReviewKind.choices)
    decided_on = models.DateField(help_text="When the partners decided to hold the review.")
    terms_of_reference = EncryptedTextField(blank=True)
    reviewer_name = models.CharField(
        max_length=200, blank=True, help_text="The independent reviewer appointed."
    )
    reviewer_appointed_on = models.DateField(null=True, blank=True)
    final_report_on = models.DateField(
        null=True, blank=True, help_text="When the final report was received."
    )
    publication_planned_on = models.DateField(null=True, blank=True)
    sent_to_panel_on = models.DateField(null=True, blank=True)
    sent_to_department_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    not_published_reason = EncryptedTextField(blank=True)
    improvements_published_on = models.DateField(null=True, blank=True)
    partners_response = EncryptedTextField(blank=True)
    partners_response_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PracticeReviewKind.values), name="practice_review_kind"
            ),
            models.CheckConstraint(
                condition=Q(published_on__isnull=True) | Q(improvements_published_on__isnull=True),
                name="practice_review_published_or_improvements",
            ),
        ]

    def __str__(self) -> str:
        return f"Practice review {self.pk}"


class ReviewerRequest(RowKeyed):
    """A request in writing to the reviewer, for information or a draft (SI 2018/789 reg 14)."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="reviewer_requests")
    request = EncryptedTextField()
    asked_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "asked_on", "id"]

    def __str__(self) -> str:
        return f"Request to the reviewer {self.pk}"


class CheckpointKind(models.TextChoices):
    PROGRESS = "progress", "Progress"
    QUALITY = "quality", "Quality"


class Checkpoint(RowKeyed):
    """A progress or quality checkpoint of a practice review (reg 14: the partners monitor
    the time a review takes and its quality)."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="checkpoints")
    kind = models.CharField(max_length=20, choices=CheckpointKind.choices)
    due_on = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    notes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["case", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=CheckpointKind.values), name="checkpoint_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"Checkpoint {self.pk}"


class ChronologyEntry(RowKeyed):
    """One event in the case's chronology: when, which agency, what happened, and where the
    account comes from."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="chronology")
    occurred_on = models.DateField()
    agency = models.CharField(max_length=200)
    event = EncryptedTextField()
    source = EncryptedTextField(blank=True, help_text="Where the account comes from.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "occurred_on", "id"]
        verbose_name_plural = "chronology entries"
        indexes = [models.Index(fields=["case", "occurred_on"], name="chronology_case_day")]
        constraints = [
            models.CheckConstraint(condition=_not_blank("agency"), name="chronology_agency"),
        ]

    def __str__(self) -> str:
        return f"Chronology entry {self.pk}"


class MeetingKind(models.TextChoices):
    RAPID_REVIEW = "rapid_review", "Rapid review meeting"
    PANEL = "panel", "Review panel"
    PRACTITIONERS = "practitioners", "Practitioner event"
    FAMILY = "family", "Meeting with the family"
    OTHER = "other", "Other meeting"


class Meeting(RowKeyed):
    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    held_on = models.DateField()
    attendees = EncryptedTextField(help_text="Who came, and from which agency, one a line.")
    minutes = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["case", "held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MeetingKind.values), name="meeting_kind"),
        ]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"


class Decision(RowKeyed):
    """A decision taken in the case, with its reasons."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="decisions")
    made_on = models.DateField()
    decision = EncryptedTextField()
    reasons = EncryptedTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "made_on", "id"]

    def __str__(self) -> str:
        return f"Decision {self.pk}"


class Recommendation(RowKeyed):
    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    text = EncryptedTextField()

    class Meta:
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="recommendation_number_once"),
        ]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "No longer needed"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class Action(RowKeyed):
    """One line of the action plan: what, who owns it, by when, and where it stands."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="actions")
    recommendation = models.ForeignKey(
        Recommendation, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    description = EncryptedTextField()
    owner = models.CharField(max_length=200, help_text="The agency or post that owns it.")
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default="open")
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case", "due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("owner"), name="action_has_owner"),
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status"
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_ACTION_STATUSES, completed_on__isnull=True)
                | (~Q(status__in=OPEN_ACTION_STATUSES) & Q(completed_on__isnull=False)),
                name="action_completed_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES


class ClockReminder(models.Model):
    """That the case's leads were emailed about its clocks on a day: the daily job claims a
    (case, day) once, so running it twice sends nothing twice."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    due_soon = models.PositiveSmallIntegerField()
    overdue = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "day"], name="one_clock_reminder_a_day"),
        ]

    def __str__(self) -> str:
        return f"Clock reminder {self.pk}"


class DraftSource(models.TextChoices):
    TEXT = "text", "Pasted text"
    FILE = "file", "Uploaded file"


class PublicationCheck(RowKeyed):
    """One re-identification check of a draft report: the draft's text (encrypted) scanned
    for every real name, date of birth, address, school, NHS number and exact date the case
    holds. The latest check of a case decides whether it may be published."""

    case = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="checks")
    source = models.CharField(max_length=10, choices=DraftSource.choices)
    draft = EncryptedTextField(help_text="The text the check read.")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "-checked_at", "-id"]
        get_latest_by = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"Publication check {self.pk}"


class HitKind(models.TextChoices):
    NAME = "name", "A real name"
    DATE_OF_BIRTH = "date_of_birth", "A date of birth"
    ADDRESS = "address", "An address"
    SCHOOL = "school", "A school"
    NHS_NUMBER = "nhs_number", "An NHS number"
    DATE = "date", "An exact date from the case"


class IdentificationHit(RowKeyed):
    """Something in a draft that could identify the child or their family, and where it is.
    It stands until a later check no longer finds it (fixed), or a second person accepts it
    with a reason; an acceptance carries to later checks that find the same thing."""

    publication_check = models.ForeignKey(
        PublicationCheck, on_delete=models.CASCADE, related_name="hits"
    )
    kind = models.CharField(max_length=20, choices=HitKind.choices)
    pseudonym = models.CharField(max_length=60, blank=True, help_text="Whose detail it is.")
    location = models.CharField(max_length=100, help_text='Where it is, e.g. "page 3, line 12".')
    found = EncryptedTextField(help_text="The words found.")
    context = EncryptedTextField(help_text="The line it was found in.")
    found_lookup = LookupHashField()
    accepted_reason = EncryptedTextField(blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["publication_check", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HitKind.values), name="hit_kind"),
            models.CheckConstraint(
                condition=Q(accepted_by__isnull=True, accepted_at__isnull=True)
                | Q(accepted_by__isnull=False, accepted_at__isnull=False),
                name="hit_accepted_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Identification hit {self.pk}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class PublishedReport(models.Model):
    """A published review report: public on the partnership's site and kept permanently, so
    it outlives the case file (its case is set to empty when the case file is destroyed)."""

    case = models.OneToOneField(
        CaseReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="report"
    )
    title = models.CharField(max_length=200, help_text='As published, e.g. "Child A".')
    summary = models.TextField(blank=True)
    published_on = models.DateField()
    pdf = models.BinaryField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("title"), name="report_has_title"),
            models.CheckConstraint(condition=Q(size__gt=0), name="report_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class PublishedListVersion(models.Model):
    """One row whose ``value`` the database raises, in the same transaction, on every change
    to a published report (triggers from migration 0006): the public list of reviews is
    cached under it (``core.content_versions``), so it never shows an old list."""

    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Published reviews version {self.value}"
