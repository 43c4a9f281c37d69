"""Child death reviews hold special category data about children who died, their families and
the professionals who knew them. Identifying details and every free-text answer are encrypted;
each record is found for an access request by the child's identity (keyed hashes of the NHS
number, or of the name and date of birth together), by a family member's or professional's
email address (a keyed hash too, as the address itself is encrypted), or by the member of
staff who recorded it. Encrypted values are listed as held but withheld from an export
(``privacy.rights.export``); a family member's request goes through the withholding workflow.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q

from safeguarding.core.crypto import lookup_hash
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import declare, not_personal, personal, secret
from safeguarding.inventory.purposes import Purpose, register
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.subjects import (
    SubjectFilter,
    SubjectKey,
    by_child,
    by_email,
    either,
)
from safeguarding.inventory.taxonomy import LawfulBasis, SpecialCondition, Subject

CHILD_DEATH_REVIEWS = register(
    Purpose(
        key="child_death_reviews",
        name="Reviewing the deaths of children",
        description=(
            "To carry out the review of every child's death that the child death review "
            "partners must arrange (Children Act 2004, sections 16M to 16Q): to record the "
            "notification, gather information from the professionals who knew the child, "
            "support the family, let the child death overview panel analyse the death and "
            "learn from it, publish anonymised yearly statistics, and send each reviewed case "
            "to the National Child Mortality Database. The records are seen only by the "
            "people working on the review, and are stored encrypted."
        ),
        data_use="essential.legal_obligation",
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        special_condition=SpecialCondition.STATUTORY_PURPOSES,
        recipients=(
            "The people working on the review and the child death overview panel",
            "The National Child Mortality Database",
            "The safeguarding partners, where abuse or neglect is suspected",
        ),
    )
)

retention_rules.register(
    RetentionRule(
        "cdop_case",
        "the review is closed",
        settings.CDOP_RETENTION_DAYS,
        Action.DELETE,
        reason=(
            "The National Child Mortality Database keeps the national record; the local case "
            "file is kept for the council's period, and each case is under a legal hold "
            "(records relevant to child protection) until two people release it."
        ),
    )
)
retention_rules.register(
    RetentionRule(
        "cdop_record",
        "the record is made",
        0,
        Action.KEEP,
        reason=(
            "Part of a child death review's case file: destroyed with the case under its "
            "retention rule, never before."
        ),
    )
)
retention_rules.register(
    RetentionRule(
        "cdop_meeting",
        "the panel meeting",
        settings.CDOP_RETENTION_DAYS,
        Action.DELETE,
        reason="Panel meetings and their attendance are kept as long as the case files.",
    )
)


def by_email_hash(*paths: str) -> SubjectFilter:
    """Rows whose keyed hash of an (encrypted) email address at any of ``paths`` is the key's."""

    def subject_filter(key: SubjectKey) -> Q | None:
        if not key.email:
            return None
        hashed = lookup_hash("text", key.email)
        return reduce(or_, (Q(**{path: hashed}) for path in paths))

    return subject_filter


def _child(prefix: str = "") -> SubjectFilter:
    return by_child(
        lookup_hash,
        name=f"{prefix}name_lookup",
        date_of_birth=f"{prefix}born_lookup",
        nhs_number=f"{prefix}nhs_lookup",
    )


CASE = "case__"
ENCRYPTED_ERASURE = (
    "Part of a statutory child death review (Children Act 2004, section 16M); it is destroyed "
    "with the case under the case's retention rule."
)
STAFF = Subject.STAFF

declare(
    "cdop.ChildDeath",
    subject_filter=either(
        _child(), by_email("opened_by__email", "ncmd_sent_by__email", "referred_by__email")
    ),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_case",
    retention_trigger="closed_at",
    description=(
        "One child's death and its review: who the child was (encrypted), the date of death, "
        "where the review has got to, and the day it was sent to the national database."
    ),
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "workspace", "reference", "stage", "referred_to"),
        "child_name": personal("user.name", encrypted=True),
        "date_of_birth": personal("user.demographic.date_of_birth", encrypted=True),
        "nhs_number": personal(
            "user.health_and_medical.record_id", encrypted=True, note="the NHS number"
        ),
        "sex": personal("user.demographic.gender", encrypted=True),
        "ethnicity": personal("user.demographic.race_ethnicity", encrypted=True),
        "home_address": personal("user.contact.address", encrypted=True),
        "gp_practice": personal("user.health_and_medical", encrypted=True),
        "place_of_death": personal("user.health_and_medical", encrypted=True),
        "circumstances": personal("user.health_and_medical", encrypted=True),
        "nhs_lookup": personal("user.unique_id.pseudonymous", note="keyed hash"),
        "name_lookup": personal("user.unique_id.pseudonymous", note="keyed hash"),
        "born_lookup": personal("user.unique_id.pseudonymous", note="keyed hash"),
        "date_of_death": personal("user.health_and_medical"),
        "age_band": personal("user.demographic.age_range"),
        "unexpected": personal("user.health_and_medical"),
        "resident_in_area": personal("user.location.imprecise"),
        "died_in_area": personal("user.location.imprecise"),
        "opened_at": personal("user.childrens"),
        "opened_by": personal("user.unique_id", subject=STAFF),
        "closed_at": personal("user.childrens"),
        "ncmd_sent_on": personal("user.childrens"),
        "ncmd_sent_by": personal("user.unique_id", subject=STAFF),
        "referred_at": personal("user.childrens"),
        "referred_by": personal("user.unique_id", subject=STAFF),
        "referral_reason": personal("user.health_and_medical", encrypted=True),
    },
)
declare(
    "cdop.StageRecord",
    subject_filter=either(_child(CASE), by_email("recorded_by__email")),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description="The day a review reached each stage, and who recorded it.",
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "case", "stage"),
        "on": personal("user.childrens"),
        "recorded_by": personal("user.unique_id", subject=STAFF),
        "recorded_at": personal("user.childrens", subject=STAFF),
    },
)
declare(
    "cdop.Notification",
    subject_filter=either(
        _child(), by_email_hash("notifier_lookup"), by_email("recorded_by__email")
    ),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description=(
        "A notification of a child's death, from the secretariat or the online form: the child "
        "and the death as the notifier gave them, and the notifier (encrypted)."
    ),
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "case", "source", "linked_as_duplicate"),
        "received_at": personal("user.childrens"),
        "recorded_by": personal("user.unique_id", subject=STAFF),
        "details": personal(
            "user.health_and_medical", encrypted=True, note="the child and the death"
        ),
        "notifier_name": personal("user.name", subject=STAFF, encrypted=True),
        "notifier_role": personal("user.contact.organization", subject=STAFF, encrypted=True),
        "notifier_organisation": personal(
            "user.contact.organization", subject=STAFF, encrypted=True
        ),
        "notifier_email": personal("user.contact.email", subject=STAFF, encrypted=True),
        "notifier_phone": personal("user.contact.phone_number", subject=STAFF, encrypted=True),
        "notifier_lookup": personal("user.unique_id.pseudonymous", subject=STAFF),
        "nhs_lookup": personal("user.unique_id.pseudonymous", note="keyed hash"),
        "name_lookup": personal("user.unique_id.pseudonymous", note="keyed hash"),
        "born_lookup": personal("user.unique_id.pseudonymous", note="keyed hash"),
    },
)
declare(
    "cdop.JointAgencyResponse",
    subject_filter=either(_child(CASE), by_email("recorded_by__email")),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description="The joint agency response to an unexpected death: when, and which agencies.",
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "case", "agencies"),
        "started_on": personal("user.childrens"),
        "notes": personal("user.health_and_medical", encrypted=True),
        "recorded_by": personal("user.unique_id", subject=STAFF),
        "recorded_at": personal("user.childrens", subject=STAFF),
    },
)
declare(
    "cdop.ReportingForm",
    subject_filter=either(
        _child(CASE), by_email_hash("email_lookup"), by_email("requested_by__email")
    ),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description=(
        "A reporting form asked of a professional who knew the child, and their answers "
        "(encrypted); the link's secret is spent when the form is sent."
    ),
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "case", "kind", "agency", "reminders_sent"),
        "professional_name": personal("user.name", subject=STAFF, encrypted=True),
        "professional_email": personal("user.contact.email", subject=STAFF, encrypted=True),
        "email_lookup": personal("user.unique_id.pseudonymous", subject=STAFF),
        "requested_at": personal("user.childrens"),
        "requested_by": personal("user.unique_id", subject=STAFF),
        "due_on": personal("user.childrens"),
        "nonce": secret(
            "user.authorization.credentials", note="a digest of what makes the link work"
        ),
        "link_expires_at": personal("user.childrens"),
        "answers": personal("user.health_and_medical", encrypted=True),
        "draft_saved_at": personal("user.childrens"),
        "submitted_at": personal("user.childrens"),
        "withdrawn_at": personal("user.childrens"),
        "last_reminded_at": personal("user.childrens"),
    },
)
ANALYSIS_STAFF = by_email("updated_by__email", "completed_by__email")
declare(
    "cdop.Analysis",
    subject_filter=either(_child(CASE), ANALYSIS_STAFF),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description=(
        "The panel's analysis: the category of death, whether modifiable factors were found, "
        "the summary and the learning (encrypted)."
    ),
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "case"),
        "category": personal("user.health_and_medical"),
        "summary": personal("user.health_and_medical", encrypted=True),
        "learning": personal("user.health_and_medical", encrypted=True),
        "modifiable_factors": personal("user.health_and_medical"),
        "updated_at": personal("user.childrens", subject=STAFF),
        "updated_by": personal("user.unique_id", subject=STAFF),
        "completed_at": personal("user.childrens", subject=STAFF),
        "completed_by": personal("user.unique_id", subject=STAFF),
    },
)
declare(
    "cdop.DomainAssessment",
    subject_filter=_child("analysis__case__"),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description="The factors the panel found in one domain, and how far they contributed.",
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "analysis", "domain"),
        "contribution": personal("user.health_and_medical"),
        "factors": personal("user.health_and_medical", encrypted=True),
        "modifiable": personal("user.health_and_medical"),
    },
)
declare(
    "cdop.AnalysisAction",
    subject_filter=either(_child("analysis__case__"), by_email("added_by__email")),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description="An action the panel agreed, for an organisation.",
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "analysis", "owner", "due_on", "completed_on"),
        "description": personal("user.childrens", encrypted=True),
        "added_by": personal("user.unique_id", subject=STAFF),
        "added_at": personal("user.childrens", subject=STAFF),
    },
)
declare(
    "cdop.PanelMeeting",
    subject_filter=by_email("created_by__email"),
    subject=STAFF,
    purpose="child_death_reviews",
    retention="cdop_meeting",
    retention_trigger="created_at",
    description="A meeting of the child death overview panel; it names no child.",
    fields={
        **not_personal("id", "held_on", "location"),
        "created_by": personal("user.unique_id"),
        "created_at": personal("user.account.settings"),
    },
)
declare(
    "cdop.PanelAttendance",
    subject=STAFF,
    purpose="child_death_reviews",
    retention="cdop_meeting",
    retention_trigger="meeting__created_at",
    description="Who attended a panel meeting or sent apologies.",
    fields={
        **not_personal("id", "meeting"),
        "name": personal("user.name"),
        "organisation": personal("user.contact.organization"),
        "role": personal("user.contact.organization"),
        "present": personal("user.account.settings"),
    },
)
declare(
    "cdop.AgendaItem",
    subject_filter=either(_child(CASE), by_email("decided_by__email")),
    subject=Subject.CHILD,
    purpose="child_death_reviews",
    retention="cdop_record",
    description="A case on a panel meeting's agenda, and the panel's decision.",
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "meeting", "case", "position"),
        "decision": personal("user.childrens"),
        "decision_notes": personal("user.health_and_medical", encrypted=True),
        "decided_by": personal("user.unique_id", subject=STAFF),
        "decided_at": personal("user.childrens", subject=STAFF),
    },
)
declare(
    "cdop.FamilyKeyWorker",
    subject_filter=either(_child(CASE), by_email("updated_by__email")),
    subject=STAFF,
    purpose="child_death_reviews",
    retention="cdop_record",
    description="The named key worker who is the family's point of contact.",
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "case"),
        "name": personal("user.name", encrypted=True),
        "role": personal("user.contact.organization", encrypted=True),
        "contact": personal("user.contact", encrypted=True),
        "updated_by": personal("user.unique_id"),
        "updated_at": personal("user.account.settings"),
    },
)
declare(
    "cdop.FamilyMember",
    subject_filter=either(by_email_hash("email_lookup"), _child(CASE), by_email("added_by__email")),
    subject=Subject.FAMILY_MEMBER,
    purpose="child_death_reviews",
    retention="cdop_record",
    description=(
        "A parent or other family member of a child who died, and how they want to be "
        "contacted (encrypted)."
    ),
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "case"),
        "name": personal("user.name", encrypted=True),
        "relationship": personal("user.childrens", encrypted=True),
        "contact_preference": personal("user.contact"),
        "phone": personal("user.contact.phone_number", encrypted=True),
        "email": personal("user.contact.email", encrypted=True),
        "email_lookup": personal("user.unique_id.pseudonymous", note="keyed hash"),
        "address": personal("user.contact.address", encrypted=True),
        "notes": personal("user.health_and_medical", encrypted=True, note="e.g. needs"),
        "added_by": personal("user.unique_id", subject=STAFF),
        "added_at": personal("user.childrens", subject=STAFF),
    },
)
declare(
    "cdop.FamilyQuestion",
    subject_filter=either(
        by_email_hash("asked_by__email_lookup"),
        _child(CASE),
        by_email("recorded_by__email", "answered_by__email"),
    ),
    subject=Subject.FAMILY_MEMBER,
    purpose="child_death_reviews",
    retention="cdop_record",
    description="A question the family asked the panel, and the answer (encrypted).",
    keep_on_erasure=ENCRYPTED_ERASURE,
    fields={
        **not_personal("id", "row_key", "case", "asked_by"),
        "question": personal("user.health_and_medical", encrypted=True),
        "asked_on": personal("user.childrens"),
        "recorded_by": personal("user.unique_id", subject=STAFF),
        "answer": personal("user.health_and_medical", encrypted=True),
        "answered_on": personal("user.childrens"),
        "answered_by": personal("user.unique_id", subject=STAFF),
    },
)
