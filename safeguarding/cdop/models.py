"""Child death reviews: one restricted workspace per death, from notification to the National
Child Mortality Database (NCMD).

Everything that identifies the child, the family or says what happened is encrypted
(``core.encrypted_fields``); what the secretariat must count or sort by (the date of death,
the stage, expected or not, the age band, the category of death) is kept plain, and names no
one. The NHS number is found by a keyed hash (``nhs_lookup``), never by decrypting records.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
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

KIND = "child_death_review"


def _not_blank(field: str) -> GreaterThan[int]:
    return GreaterThan(Length(Trim(field)), 0)


class Stage(models.TextChoices):
    """Where a case is, in the order of the 2018 statutory guidance."""

    NOTIFIED = "notified", "Notified"
    JOINT_AGENCY_RESPONSE = "jar", "Joint agency response"
    INFORMATION_GATHERING = "information", "Gathering information"
    REVIEW_MEETING = "review_meeting", "Child death review meeting held"
    READY_FOR_PANEL = "ready", "Ready for the panel"
    PANEL_REVIEWED = "reviewed", "Reviewed by the panel"
    CLOSED = "closed", "Closed"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)


class AgeBand(models.TextChoices):
    """The age bands of the national child death statistics."""

    NEONATE = "0-27d", "0 to 27 days"
    INFANT = "28-364d", "28 days to 1 year"
    ONE_TO_FOUR = "1-4", "1 to 4 years"
    FIVE_TO_NINE = "5-9", "5 to 9 years"
    TEN_TO_FOURTEEN = "10-14", "10 to 14 years"
    FIFTEEN_TO_SEVENTEEN = "15-17", "15 to 17 years"


class ChildDeath(RowKeyed):
    """One child's death and its review: the workspace it lives in, the child as notified
    (encrypted) and the plain facts the secretariat counts."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.PROTECT, related_name="child_death"
    )
    reference = models.CharField(max_length=20, unique=True, help_text="For example CDOP-2026-014")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NOTIFIED)
    child_name = EncryptedTextField()
    date_of_birth = EncryptedDateField()
    nhs_number = EncryptedTextField(blank=True)
    sex = EncryptedTextField(blank=True)
    ethnicity = EncryptedTextField(blank=True)
    home_address = EncryptedTextField(blank=True)
    gp_practice = EncryptedTextField(blank=True)
    place_of_death = EncryptedTextField(blank=True)
    circumstances = EncryptedTextField(blank=True)
    nhs_lookup = LookupHashField()
    name_lookup = LookupHashField()
    born_lookup = LookupHashField()
    date_of_death = models.DateField()
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    unexpected = models.BooleanField(help_text="Unexpected deaths have a joint agency response.")
    resident_in_area = models.BooleanField()
    died_in_area = models.BooleanField()
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    ncmd_sent_on = models.DateField(null=True, blank=True)
    ncmd_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A referral to the safeguarding partners: the case-review workspace it opened.
    referred_to = models.ForeignKey(
        Workspace, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referred_at = models.DateTimeField(null=True, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral_reason = EncryptedTextField(blank=True)

    class Meta:
        ordering = ["date_of_death", "id"]
        verbose_name = "child death review"
        indexes = [models.Index(fields=["stage", "date_of_death"], name="cdop_case_stage")]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="cdop_case_stage_ok"),
            # One case per child: a second notification with the NHS number links to it.
            models.UniqueConstraint(
                fields=["nhs_lookup"], condition=~Q(nhs_lookup=""), name="cdop_one_case_per_child"
            ),
            models.CheckConstraint(
                condition=Q(age_band__in=AgeBand.values), name="cdop_case_age_band_ok"
            ),
            models.CheckConstraint(
                condition=Q(resident_in_area=True) | Q(died_in_area=True),
                name="cdop_case_in_area",
            ),
            models.CheckConstraint(
                condition=Q(stage=Stage.CLOSED, closed_at__isnull=False)
                | (~Q(stage=Stage.CLOSED) & Q(closed_at__isnull=True)),
                name="cdop_case_closed_when",
            ),
            models.CheckConstraint(
                condition=Q(ncmd_sent_on__isnull=True, ncmd_sent_by__isnull=True)
                | Q(ncmd_sent_on__isnull=False, ncmd_sent_by__isnull=False, stage=Stage.CLOSED),
                name="cdop_case_ncmd_after_closure",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


class StageRecord(models.Model):
    """A stage reached: on what day, and who recorded it."""

    case = models.ForeignKey(ChildDeath, on_delete=models.CASCADE, related_name="stage_records")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    on = models.DateField(help_text="The day the stage was reached.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "stage"], name="cdop_one_record_per_stage"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="cdop_stage_ok"),
        ]

    def __str__(self) -> str:
        return f"Stage {self.pk}"


class NotificationSource(models.TextChoices):
    STAFF = "staff", "Recorded by the secretariat"
    ONLINE = "online", "The online notification form"


class Notification(RowKeyed):
    """One notification of a death. The first for a child opens the case; a later one for the
    same NHS number is linked to it. One from the online form that matches no case waits,
    without a case, for the secretariat (``case`` empty)."""

    case = models.ForeignKey(
        ChildDeath, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    source = models.CharField(max_length=10, choices=NotificationSource.choices)
    received_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The child and the death as this notifier gave them (JSON), and the notifier.
    details = EncryptedTextField()
    notifier_name = EncryptedTextField()
    notifier_role = EncryptedTextField(blank=True)
    notifier_organisation = EncryptedTextField(blank=True)
    notifier_email = EncryptedTextField(blank=True)
    notifier_phone = EncryptedTextField(blank=True)
    notifier_lookup = LookupHashField(help_text="Keyed hash of the notifier's email address.")
    nhs_lookup = LookupHashField()
    name_lookup = LookupHashField()
    born_lookup = LookupHashField()
    linked_as_duplicate = models.BooleanField(
        default=False, help_text="A later notification linked to the case by the NHS number."
    )

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=NotificationSource.values), name="cdop_notification_source"
            ),
            models.CheckConstraint(
                condition=Q(source=NotificationSource.ONLINE) | Q(recorded_by__isnull=False),
                name="cdop_staff_notification_has_recorder",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification {self.pk}"


class Agency(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Children's social care"
    CORONER = "coroner", "Coroner"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


class JointAgencyResponse(RowKeyed):
    """The joint agency response to an unexpected death: when it began and who took part."""

    case = models.OneToOneField(
        ChildDeath, on_delete=models.CASCADE, related_name="joint_agency_response"
    )
    started_on = models.DateField()
    agencies = models.JSONField(default=list, help_text="Agency codes (Agency).")
    notes = EncryptedTextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Joint agency response {self.pk}"


class FormKind(models.TextChoices):
    """The reporting form every agency completes, and the supplementary forms a death may
    call for (the GOV.UK child death review forms)."""

    REPORTING = "reporting", "Reporting form"
    SUDI = "sudi", "Supplementary: sudden unexpected death in infancy or childhood"
    SUICIDE = "suicide", "Supplementary: suicide or self-harm"
    ROAD_TRAFFIC = "rtc", "Supplementary: road traffic collision or trauma"
    NEONATAL = "neonatal", "Supplementary: neonatal or perinatal death"
    LIFE_LIMITING = "life_limiting", "Supplementary: life-limiting condition"


class ReportingForm(RowKeyed):
    """A reporting form asked of one professional who knew the child, answered through an
    emailed single-use link (``reporting``). The answers (JSON) are encrypted; once submitted
    the link stops working and the agency cannot read the form back."""

    case = models.ForeignKey(ChildDeath, on_delete=models.CASCADE, related_name="reporting_forms")
    kind = models.CharField(max_length=20, choices=FormKind.choices, default=FormKind.REPORTING)
    agency = models.CharField(max_length=200, help_text="The organisation, e.g. the GP practice.")
    professional_name = EncryptedTextField()
    professional_email = EncryptedTextField()
    email_lookup = LookupHashField()
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField()
    # The link's secret: blank once the form is submitted or withdrawn.
    nonce = models.CharField(max_length=64, blank=True)
    link_expires_at = models.DateTimeField()
    answers = EncryptedTextField(blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "requested_at", "id"]
        indexes = [
            models.Index(fields=["submitted_at", "due_on"], name="cdop_form_outstanding"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FormKind.values), name="cdop_form_kind"),
            models.CheckConstraint(condition=_not_blank("agency"), name="cdop_form_has_agency"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(nonce=""),
                name="cdop_submitted_form_link_spent",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(withdrawn_at__isnull=True),
                name="cdop_form_submitted_or_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"Reporting form {self.pk}"

    @property
    def is_outstanding(self) -> bool:
        return self.submitted_at is None and self.withdrawn_at is None

    def is_overdue(self, today: object = None) -> bool:
        day = today or timezone.localdate()
        return self.is_outstanding and self.due_on < day  # type: ignore[operator]


class Category(models.TextChoices):
    """The ten categories of death on the child death analysis form, one per case."""

    DELIBERATE = "1", "Deliberately inflicted injury, abuse or neglect"
    SUICIDE = "2", "Suicide or deliberate self-inflicted harm"
    TRAUMA = "3", "Trauma and other external factors, including medical or surgical complications"
    MALIGNANCY = "4", "Malignancy"
    ACUTE = "5", "Acute medical or surgical condition"
    CHRONIC = "6", "Chronic medical condition"
    CONGENITAL = "7", "Chromosomal, genetic and congenital anomalies"
    PERINATAL = "8", "Perinatal or neonatal event"
    INFECTION = "9", "Infection"
    SUDDEN = "10", "Sudden unexpected, unexplained death"


class Domain(models.TextChoices):
    """The domains the panel considers factors in."""

    CHILD = "child", "Factors intrinsic to the child"
    PARENTING = "parenting", "Parenting capacity and family"
    ENVIRONMENT = "environment", "The social environment"
    SERVICES = "services", "Service provision"


class Contribution(models.TextChoices):
    """How far a domain's factors contributed to the death (the analysis form's scale)."""

    NOT_AVAILABLE = "0", "Information not available"
    NONE = "1", "No factors identified"
    UNLIKELY = "1*", "Factors identified, but unlikely to have contributed"
    MAY_HAVE = "2", "Factors identified that may have contributed"
    SUFFICIENT = "3", "Factors that provide a complete and sufficient explanation"


CONTRIBUTING: frozenset[str] = frozenset({Contribution.MAY_HAVE, Contribution.SUFFICIENT})
WITH_FACTORS: frozenset[str] = frozenset(
    {Contribution.UNLIKELY, Contribution.MAY_HAVE, Contribution.SUFFICIENT}
)


class Analysis(RowKeyed):
    """The panel's analysis of one death. ``modifiable_factors`` is set when it is completed:
    yes when any domain has factors that may have contributed and could be modified."""

    case = models.OneToOneField(ChildDeath, on_delete=models.CASCADE, related_name="analysis")
    category = models.CharField(max_length=3, choices=Category.choices, blank=True)
    summary = EncryptedTextField(blank=True)
    learning = EncryptedTextField(blank=True)
    modifiable_factors = models.BooleanField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "analyses"
        constraints = [
            models.CheckConstraint(
                condition=Q(category="") | Q(category__in=Category.values),
                name="cdop_analysis_category",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | (Q(modifiable_factors__isnull=False) & ~Q(category="")),
                name="cdop_completed_analysis_has_category",
            ),
        ]

    def __str__(self) -> str:
        return f"Analysis {self.pk}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class DomainAssessment(RowKeyed):
    """The factors the panel found in one domain, how far they contributed, and whether
    they were modifiable."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=20, choices=Domain.choices)
    contribution = models.CharField(max_length=3, choices=Contribution.choices)
    factors = EncryptedTextField(blank=True)
    modifiable = models.BooleanField(default=False)

    class Meta:
        ordering = ["analysis", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["analysis", "domain"], name="cdop_one_assessment_per_domain"
            ),
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="cdop_domain_ok"),
            models.CheckConstraint(
                condition=Q(contribution__in=Contribution.values), name="cdop_contribution_ok"
            ),
            # Modifiable factors are factors that may have contributed (the DfE definition).
            models.CheckConstraint(
                condition=Q(modifiable=False) | Q(contribution__in=sorted(CONTRIBUTING)),
                name="cdop_modifiable_factors_contributed",
            ),
        ]

    def __str__(self) -> str:
        return f"Domain assessment {self.pk}"


class AnalysisAction(RowKeyed):
    """An action the panel agreed: what, which organisation, by when, and when it was done."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="actions")
    description = EncryptedTextField()
    owner = models.CharField(max_length=200, help_text="The organisation responsible.")
    due_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["analysis", "added_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("owner"), name="cdop_action_has_owner"),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}"


class PanelMeeting(models.Model):
    """A meeting of the child death overview panel. The meeting names no child: its agenda
    items belong to the cases, which only their members see."""

    held_on = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Panel meeting {self.pk}"


class Decision(models.TextChoices):
    REVIEWED = "reviewed", "Reviewed: analysis completed"
    DEFERRED = "deferred", "Deferred to a later meeting"
    MORE_INFORMATION = "information", "More information needed"


class AgendaItem(RowKeyed):
    """One case on a meeting's agenda, and what the panel decided."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(ChildDeath, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField()
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_notes = EncryptedTextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="cdop_case_once_per_agenda"),
            models.CheckConstraint(
                condition=Q(decision="") | Q(decision__in=Decision.values),
                name="cdop_agenda_decision",
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="cdop_agenda_decided_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"


class PanelAttendance(models.Model):
    """Who was at a panel meeting, or sent apologies."""

    meeting = models.ForeignKey(PanelMeeting, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    present = models.BooleanField(help_text="False: sent apologies.")

    class Meta:
        ordering = ["meeting", "-present", "name"]
        constraints = [
            models.CheckConstraint(condition=_not_blank("name"), name="cdop_attendee_has_name"),
        ]

    def __str__(self) -> str:
        return f"Attendance {self.pk}"


class ContactPreference(models.TextChoices):
    KEY_WORKER = "key_worker", "Through the key worker only"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"
    NONE = "none", "Does not want to be contacted"


class FamilyKeyWorker(RowKeyed):
    """The named key worker who is the family's point of contact."""

    case = models.OneToOneField(ChildDeath, on_delete=models.CASCADE, related_name="key_worker")
    name = EncryptedTextField()
    role = EncryptedTextField(blank=True)
    contact = EncryptedTextField(blank=True, help_text="Phone or email")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Key worker {self.pk}"


class FamilyMember(RowKeyed):
    """A parent or other family member, and how they want to be contacted."""

    case = models.ForeignKey(ChildDeath, on_delete=models.CASCADE, related_name="family")
    name = EncryptedTextField()
    relationship = EncryptedTextField(help_text="To the child, e.g. mother")
    contact_preference = models.CharField(max_length=20, choices=ContactPreference.choices)
    phone = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    email_lookup = LookupHashField()
    address = EncryptedTextField(blank=True)
    notes = EncryptedTextField(blank=True, help_text="e.g. needs an interpreter")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_preference__in=ContactPreference.values),
                name="cdop_family_contact_preference",
            ),
        ]

    def __str__(self) -> str:
        return f"Family member {self.pk}"


class FamilyQuestion(RowKeyed):
    """A question the family asked the panel, and the panel's answer."""

    case = models.ForeignKey(ChildDeath, on_delete=models.CASCADE, related_name="family_questions")
    asked_by = models.ForeignKey(
        FamilyMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    question = EncryptedTextField()
    asked_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answer = EncryptedTextField(blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "asked_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True, answered_by__isnull=True)
                | Q(answered_on__isnull=False, answered_by__isnull=False),
                name="cdop_question_answered_by_whom",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("asked_on")),
                name="cdop_question_answered_after_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"Family question {self.pk}"
