"""Case reviews hold the most sensitive records the partnership keeps: about children who died
or were seriously harmed, and their families (special category: health, and data about
children). Everything that identifies them, and every note, chronology entry and minute, is
encrypted. They are kept under the partnership's inquiry hold, placed when a case opens.

A parent's access request about their child (who has no email address) finds the case
through the child's identity, held as keyed lookup hashes on the case's key list
(``CaseSubject``): every record of a case names its case, so each declaration finds the
records of the cases whose key list holds that child. Their encrypted fields reach an export
only as "restricted", and anything more goes through the withholding workflow.
"""

from __future__ import annotations

from django.db.models import Q

from safeguarding.casereviews.models import CaseSubject
from safeguarding.core.crypto import lookup_hash
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import declare, not_personal, personal
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.subjects import SubjectFilter, SubjectKey, by_child, by_email, either
from safeguarding.inventory.taxonomy import Subject

PURPOSE = "safeguarding_reviews"  # registered by workspaces/data_inventory.py
KEPT = (
    "Part of a statutory case review's record; it is kept under the partnership's inquiry "
    "hold and destroyed with the case file under its retention rule."
)

retention_rules.register(
    RetentionRule(
        "case_review_file",
        "the case is closed",
        365 * 25,
        Action.DELETE,
        reason=(
            "The council's schedule for child safeguarding practice review files; each case is "
            "also under the partnership's inquiry hold from the day it opens (the July 2015 "
            "instruction not to destroy child protection records), so nothing is destroyed "
            "until that hold is released by two people. The published report is public and "
            "kept permanently."
        ),
    )
)

_child_on_key_list = by_child(
    lookup_hash, name="name_lookup", date_of_birth="born_lookup", nhs_number="nhs_lookup"
)


def about_child(case_path: str) -> SubjectFilter:
    """The records of every case whose key list holds the key's child (by NHS number, or by
    name and date of birth together)."""

    def subject_filter(key: SubjectKey) -> Q | None:
        found = _child_on_key_list(key)
        if found is None:
            return None
        return Q(**{f"{case_path}__in": CaseSubject.objects.filter(found).values("case_id")})

    return subject_filter


def _case_record(
    label: str,
    description: str,
    fields: dict[str, object],
    *,
    staff: tuple[str, ...] = (),
) -> None:
    found = about_child("case")
    declare(
        label,
        subject=Subject.CHILD,
        purpose=PURPOSE,
        retention="review_record",
        subject_filter=either(found, by_email(*staff)) if staff else found,
        description=description,
        keep_on_erasure=KEPT,
        fields={**not_personal("id", "row_key", "case"), **fields},  # type: ignore[dict-item]
    )


declare(
    "casereviews.CaseReview",
    subject=Subject.CHILD,
    purpose=PURPOSE,
    retention="case_review_file",
    retention_trigger="closed_at",
    subject_filter=either(about_child("id"), by_email("opened_by__email")),
    description=(
        "A serious incident about a child and the reviews that follow it. Seen only by the "
        "people working on the case; every read is logged."
    ),
    keep_on_erasure=KEPT,
    fields={
        **not_personal(
            "id", "row_key", "workspace", "reference", "stage", "closed_at", "referred_from"
        ),
        "opened_at": personal("system.operations", subject=Subject.STAFF),
        "opened_by": personal("user.unique_id", subject=Subject.STAFF),
        "summary": personal(
            "user.health_and_medical", encrypted=True, note="what happened to the child"
        ),
    },
)
declare(
    "casereviews.CaseSubject",
    subject=Subject.CHILD,
    purpose=PURPOSE,
    retention="review_record",
    subject_filter=_child_on_key_list,
    description=(
        "The case's key list: the child and each family member, the pseudonym the case uses "
        "for them, and their real identity, encrypted."
    ),
    keep_on_erasure=KEPT,
    fields={
        **not_personal("id", "row_key", "case"),
        "pseudonym": personal("user.childrens", note='a pseudonym, like "Child A"'),
        "role": personal("user.childrens"),
        "full_name": personal("user.name", encrypted=True),
        "other_names": personal("user.name", encrypted=True),
        "date_of_birth": personal("user.demographic.date_of_birth", encrypted=True),
        "address": personal("user.contact.address", encrypted=True),
        "school": personal("user.childrens", encrypted=True),
        "nhs_number": personal("user.health_and_medical.record_id", encrypted=True),
        "name_lookup": personal("user.unique_id", note="a keyed hash of the name"),
        "born_lookup": personal("user.unique_id", note="a keyed hash of the date of birth"),
        "nhs_lookup": personal("user.unique_id", note="a keyed hash of the NHS number"),
        "added_at": personal("system.operations"),
    },
)
_case_record(
    "casereviews.Notification",
    "The serious incident notification to the national panel, Ofsted and the Secretary of "
    "State, with its dates.",
    {
        "outcome": personal("user.health_and_medical", note="death or serious harm"),
        "aware_on": personal("user.childrens"),
        "notified_on": personal("user.childrens"),
        "looked_after": personal("user.childrens"),
        "ofsted_notified_on": personal("user.childrens"),
        "secretary_of_state_notified_on": personal("user.childrens"),
        "agencies": personal("user.childrens", note="the agencies that knew the family"),
        "circumstances": personal("user.health_and_medical", encrypted=True),
    },
)
_case_record(
    "casereviews.RapidReview",
    "The rapid review: its meeting, decision and reasons, report, sign-off and dates.",
    {
        **not_personal("notification", "decision", "signed_off_by"),
        "started_on": personal("user.childrens"),
        "meeting_on": personal("user.childrens"),
        "decision_reasons": personal("user.health_and_medical", encrypted=True),
        "decided_on": personal("user.childrens"),
        "summary": personal("user.health_and_medical", encrypted=True),
        "signed_off_on": personal("user.childrens"),
        "sent_to_panel_on": personal("user.childrens"),
    },
)
_case_record(
    "casereviews.InformationRequest",
    "A request to an agency for what it knew of the family.",
    {
        **not_personal("agency"),
        "request": personal("user.childrens", encrypted=True),
        "asked_on": personal("user.childrens"),
        "due_on": personal("user.childrens"),
        "returned_on": personal("user.childrens"),
    },
)
_case_record(
    "casereviews.PracticeReview",
    "A local child safeguarding practice review or learning review: terms of reference, "
    "reviewer, dates, publication and the partners' response.",
    {
        **not_personal("kind"),
        "decided_on": personal("user.childrens"),
        "terms_of_reference": personal("user.health_and_medical", encrypted=True),
        "reviewer_name": personal("user.name", subject=Subject.PRACTITIONER),
        "reviewer_appointed_on": personal("user.childrens"),
        "final_report_on": personal("user.childrens"),
        "publication_planned_on": personal("user.childrens"),
        "sent_to_panel_on": personal("user.childrens"),
        "sent_to_department_on": personal("user.childrens"),
        "published_on": personal("user.childrens"),
        "not_published_reason": personal("user.childrens", encrypted=True),
        "improvements_published_on": personal("user.childrens"),
        "partners_response": personal("user.childrens", encrypted=True),
        "partners_response_on": personal("user.childrens"),
    },
)
_case_record(
    "casereviews.ReviewerRequest",
    "A written request to the independent reviewer.",
    {
        "request": personal("user.childrens", encrypted=True),
        "asked_on": personal("user.childrens"),
        "due_on": personal("user.childrens"),
        "answered_on": personal("user.childrens"),
    },
)
_case_record(
    "casereviews.Checkpoint",
    "A progress or quality checkpoint of a practice review.",
    {
        **not_personal("kind", "due_on", "held_on"),
        "notes": personal("user.childrens", encrypted=True),
    },
)
_case_record(
    "casereviews.ChronologyEntry",
    "One event in the child's chronology: when, which agency, what happened, and the source.",
    {
        **not_personal("agency"),
        "occurred_on": personal("user.childrens"),
        "event": personal("user.health_and_medical", encrypted=True),
        "source": personal("user.childrens", encrypted=True),
        "recorded_by": personal("user.unique_id", subject=Subject.STAFF),
        "recorded_at": personal("system.operations", subject=Subject.STAFF),
    },
    staff=("recorded_by__email",),
)
_case_record(
    "casereviews.Meeting",
    "A meeting about the case: who came and the minutes.",
    {
        **not_personal("kind"),
        "held_on": personal("user.childrens"),
        "attendees": personal("user.name", subject=Subject.PRACTITIONER, encrypted=True),
        "minutes": personal("user.health_and_medical", encrypted=True),
    },
)
_case_record(
    "casereviews.Decision",
    "A decision taken in the case, with its reasons.",
    {
        "made_on": personal("user.childrens"),
        "decision": personal("user.childrens", encrypted=True),
        "reasons": personal("user.health_and_medical", encrypted=True),
        "recorded_by": personal("user.unique_id", subject=Subject.STAFF),
    },
    staff=("recorded_by__email",),
)
_case_record(
    "casereviews.Recommendation",
    "A recommendation of the review.",
    {
        **not_personal("number"),
        "text": personal("user.childrens", encrypted=True),
    },
)
_case_record(
    "casereviews.Action",
    "One line of the action plan: what, who owns it, by when, and its status.",
    {
        **not_personal("recommendation", "owner", "due_on", "status", "completed_on"),
        "description": personal("user.childrens", encrypted=True),
    },
)
declare(
    "casereviews.ClockReminder",
    retention="review_record",
    description="That a case's leads were reminded of its clocks on a day (counts only).",
    fields=not_personal("id", "case", "day", "due_soon", "overdue"),
)
retention_rules.register(
    RetentionRule(
        "published_review",
        "the review is published",
        0,
        Action.KEEP,
        reason=(
            "A published review is a public record: it is kept permanently, anonymised, on the "
            "partnership's website."
        ),
    )
)
_case_record(
    "casereviews.PublicationCheck",
    "A re-identification check of a draft report: the draft's text, and who ran it.",
    {
        **not_personal("source"),
        "draft": personal("user.health_and_medical", encrypted=True),
        "checked_by": personal("user.unique_id", subject=Subject.STAFF),
        "checked_at": personal("system.operations", subject=Subject.STAFF),
    },
    staff=("checked_by__email",),
)
declare(
    "casereviews.IdentificationHit",
    subject=Subject.CHILD,
    purpose=PURPOSE,
    retention="review_record",
    subject_filter=either(about_child("publication_check__case"), by_email("accepted_by__email")),
    description=(
        "Something in a draft report that could identify a child or their family, where it "
        "is, and who accepted it and why."
    ),
    keep_on_erasure=KEPT,
    fields={
        **not_personal("id", "row_key", "publication_check", "kind", "location"),
        "pseudonym": personal("user.childrens", note='a pseudonym, like "Child A"'),
        "found": personal("user.name", encrypted=True, note="a name, date or address"),
        "context": personal("user.childrens", encrypted=True),
        "found_lookup": personal("user.unique_id", note="a keyed hash of what was found"),
        "accepted_reason": personal("user.childrens", encrypted=True),
        "accepted_by": personal("user.unique_id", subject=Subject.STAFF),
        "accepted_at": personal("system.operations", subject=Subject.STAFF),
    },
)
declare(
    "casereviews.PublishedListVersion",
    retention="published_review",
    description="A counter the database raises when the published reviews change (no data).",
    fields=not_personal("id", "value"),
)
declare(
    "casereviews.PublishedReport",
    retention="published_review",
    purpose=PURPOSE,
    subject=Subject.STAFF,
    subject_filter=by_email("published_by__email"),
    description=(
        "A review report as published on the partnership's website: anonymised, public and "
        "kept permanently."
    ),
    keep_on_erasure="A published review is a public record, kept permanently.",
    fields={
        **not_personal("id", "case", "title", "summary", "published_on", "pdf", "size", "sha256"),
        "published_by": personal("user.unique_id"),
    },
)
