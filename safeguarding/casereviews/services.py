"""Every change to a case review. Each public service is one durable transaction (views and
jobs call them) that checks the actor's membership of the case's workspace, locks the case
row, validates, saves and writes its own audit entry; details hold ids and dates, never a
name or free text.

Records are changed through ``fields``: a mapping of the model's field names (what the form
collected) to values, checked against the fields each kind of record lets staff set.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import user_has_role
from safeguarding.audit.services import audit_log
from safeguarding.casereviews.clocks import send_before_publication
from safeguarding.casereviews.models import (
    KIND,
    Action,
    CaseReview,
    CaseSubject,
    Checkpoint,
    ChronologyEntry,
    Decision,
    InformationRequest,
    Meeting,
    Notification,
    Outcome,
    PracticeReview,
    PracticeReviewKind,
    RapidReview,
    RapidReviewDecision,
    Recommendation,
    ReviewerRequest,
    Stage,
    SubjectRole,
)
from safeguarding.core.crypto import lookup_hash
from safeguarding.core.working_days import add_months
from safeguarding.privacy.retention.services import legal_hold_add
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import MembershipRole, Workspace
from safeguarding.workspaces.selectors import require_role

if TYPE_CHECKING:
    from safeguarding.accounts.models import User
    from safeguarding.workspaces.referrals import Referral

R = TypeVar("R", bound=models.Model)

ONLY_OFFICERS = "Only a review officer can open a case review."
CLOSED = "This case is closed, so nothing more can be recorded in it."
INQUIRY_HOLD_REASON = (
    "Case review file: kept under the partnership's inquiry hold (child protection records "
    "are not destroyed until further notice)."
)
INQUIRY_HOLD_AUTHORITY = "Partnership inquiry hold (IICSA instruction, July 2015)"
HOLD_REVIEWED_AFTER_MONTHS = 12

# What staff may set on each kind of record.
SUBJECT_FIELDS = frozenset(
    {"role", "full_name", "other_names", "date_of_birth", "address", "school", "nhs_number"}
)
NOTIFICATION_FIELDS = frozenset(
    {
        "outcome",
        "aware_on",
        "notified_on",
        "looked_after",
        "ofsted_notified_on",
        "secretary_of_state_notified_on",
        "agencies",
        "circumstances",
    }
)
RAPID_REVIEW_FIELDS = frozenset(
    {"meeting_on", "summary", "signed_off_on", "signed_off_by", "sent_to_panel_on"}
)
PRACTICE_REVIEW_FIELDS = frozenset(
    {
        "terms_of_reference",
        "reviewer_name",
        "reviewer_appointed_on",
        "final_report_on",
        "publication_planned_on",
        "sent_to_panel_on",
        "sent_to_department_on",
        "partners_response",
        "partners_response_on",
    }
)


# --- Helpers ---------------------------------------------------------------------------------


def case_for_change(case: CaseReview, actor: User, *, lead_only: bool = False) -> CaseReview:
    """The case, locked, for a live lead (or member) of its workspace; Http404 for anyone
    else, PermissionDenied for a reviewer (who reads only)."""
    roles = (MembershipRole.LEAD,) if lead_only else (MembershipRole.LEAD, MembershipRole.MEMBER)
    require_role(actor, case.workspace, *roles)
    locked = CaseReview.objects.select_for_update().select_related("workspace").get(pk=case.pk)
    if locked.stage == Stage.CLOSED:
        raise ValidationError(CLOSED)
    return locked


def _apply(record: R, fields: Mapping[str, Any], allowed: Collection[str]) -> R:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"{type(record).__name__} does not take {sorted(unknown)}")
    for name, value in fields.items():
        setattr(record, name, value.strip() if isinstance(value, str) else value)
    return record


def _not_after_today(fields: Mapping[str, Any], *names: str) -> None:
    today = timezone.localdate()
    errors = {
        name: "The date must be today or in the past"
        for name in names
        if isinstance(fields.get(name), date) and fields[name] > today
    }
    if errors:
        raise ValidationError(errors)


def _save(record: R, *, case: CaseReview, actor: User, action: str, **details: Any) -> R:
    created = record.pk is None
    record.full_clean()
    record.save()
    audit_log(
        action=f"casereviews.{action}",
        actor=actor,
        target=record,
        details={"case": case.pk, "created": created, **details},
    )
    return record


def _related(case: CaseReview, name: str) -> Any:
    try:
        return getattr(case, name)
    except models.ObjectDoesNotExist:
        return None


def _set_stage(case: CaseReview, stage: Stage) -> None:
    case.stage = stage
    case.save(update_fields=["stage"])


# --- Opening a case --------------------------------------------------------------------------


def _open(*, reference: str, summary: str, actor: User) -> CaseReview:
    """Open a case in the caller's transaction: its workspace (the actor its lead), the case
    row, and the inquiry hold on the case file."""
    reference = " ".join(reference.split())
    if not reference:
        raise ValidationError({"reference": "Enter the case reference"})
    if CaseReview.objects.filter(reference__iexact=reference).exists():
        raise ValidationError({"reference": "A case with this reference already exists"})
    with transaction.atomic():
        workspace = workspace_services.workspace_create(
            kind=KIND, title=f"Case review {reference}", lead=actor, actor=actor
        )
        case = CaseReview(
            workspace=workspace, reference=reference, summary=summary.strip(), opened_by=actor
        )
        case.full_clean()
        case.save()
        audit_log(
            action="casereviews.case.opened",
            actor=actor,
            target=case,
            details={"workspace": workspace.pk},
        )
        legal_hold_add(
            record=case,
            reason=INQUIRY_HOLD_REASON,
            authority=INQUIRY_HOLD_AUTHORITY,
            review_date=add_months(timezone.localdate(), HOLD_REVIEWED_AFTER_MONTHS),
            actor=actor,
            scope_label=f"Case review {reference}",
        )
    return case


def case_open(*, reference: str, summary: str = "", actor: User) -> CaseReview:
    """A review officer opens a case; they lead it until they give the lead to someone else."""
    if not user_has_role(actor, Role.REVIEW_OFFICER):
        raise PermissionDenied(ONLY_OFFICERS)
    with transaction.atomic(durable=True):
        return _open(reference=reference, summary=summary, actor=actor)


def case_open_from_referral(referral: Referral) -> Workspace:
    """A referral from another kind of workspace (a child death review that suspects abuse or
    neglect) opens a case with the child as "Child A" and a notification whose local
    authority awareness is today; the referrer leads it. Runs in the referrer's transaction."""
    today = timezone.localdate()
    reference = f"Referral {today:%Y-%m-%d} {CaseReview.objects.count() + 1}"
    case = _open(reference=reference, summary=referral.reason, actor=referral.actor)
    case.referred_from = referral.from_workspace
    case.save(update_fields=["referred_from"])
    child = referral.child
    _new_subject(
        case,
        pseudonym="Child A",
        fields={
            "role": SubjectRole.CHILD,
            "full_name": child.full_name,
            "date_of_birth": child.date_of_birth,
            "nhs_number": child.nhs_number,
        },
        actor=referral.actor,
    )
    _save(
        Notification(case=case, outcome=Outcome.DIED, aware_on=today),
        case=case,
        actor=referral.actor,
        action="notification.recorded",
        referred_from=referral.from_workspace.pk,
    )
    return case.workspace


@transaction.atomic(durable=True)
def case_close(*, case: CaseReview, reason: str, actor: User) -> CaseReview:
    """The lead closes the case when nothing is left to do: its workspace closes too (no one
    can be added), and the case file's retention period starts."""
    case = case_for_change(case, actor, lead_only=True)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the case is closing"})
    case.stage = Stage.CLOSED
    case.closed_at = timezone.now()
    case.save(update_fields=["stage", "closed_at"])
    if not case.workspace.is_closed:
        workspace_services.workspace_close(workspace=case.workspace, reason=reason, actor=actor)
    audit_log(action="casereviews.case.closed", actor=actor, target=case, reason=reason)
    return case


# --- The key list ----------------------------------------------------------------------------


def _hashes(subject: CaseSubject) -> None:
    subject.name_lookup = lookup_hash("name", subject.full_name or "")
    subject.born_lookup = (
        lookup_hash("date", subject.date_of_birth.isoformat()) if subject.date_of_birth else ""
    )
    subject.nhs_lookup = lookup_hash("nhs_number", subject.nhs_number or "")


def _new_subject(
    case: CaseReview, *, pseudonym: str, fields: Mapping[str, Any], actor: User
) -> CaseSubject:
    pseudonym = " ".join(pseudonym.split())
    if not pseudonym:
        raise ValidationError({"pseudonym": 'Enter the name the case uses, like "Child A"'})
    if case.subjects.filter(pseudonym__iexact=pseudonym).exists():
        raise ValidationError({"pseudonym": "Someone in this case already has this name"})
    subject = _apply(CaseSubject(case=case, pseudonym=pseudonym), fields, SUBJECT_FIELDS)
    _hashes(subject)
    return _save(subject, case=case, actor=actor, action="subject.recorded")


@transaction.atomic(durable=True)
def subject_add(
    *, case: CaseReview, pseudonym: str, fields: Mapping[str, Any], actor: User
) -> CaseSubject:
    """Add someone to the case's key list. The pseudonym is given once and never changes, so
    every record and the report name them the same way."""
    case = case_for_change(case, actor)
    return _new_subject(case, pseudonym=pseudonym, fields=fields, actor=actor)


@transaction.atomic(durable=True)
def subject_update(*, subject: CaseSubject, fields: Mapping[str, Any], actor: User) -> CaseSubject:
    """Correct someone's real details (their pseudonym stays as it is)."""
    case = case_for_change(subject.case, actor)
    subject = _apply(CaseSubject.objects.get(pk=subject.pk), fields, SUBJECT_FIELDS)
    _hashes(subject)
    return _save(subject, case=case, actor=actor, action="subject.recorded")


# --- Serious incident notification -----------------------------------------------------------


@transaction.atomic(durable=True)
def notification_record(
    *, case: CaseReview, fields: Mapping[str, Any], actor: User
) -> Notification:
    """Record or correct the case's serious incident notification (one per case)."""
    case = case_for_change(case, actor)
    notice = _related(case, "notification") or Notification(case=case)
    notice = _apply(notice, fields, NOTIFICATION_FIELDS)
    _not_after_today(
        fields, "aware_on", "notified_on", "ofsted_notified_on", "secretary_of_state_notified_on"
    )
    errors: dict[str, str] = {}
    if notice.notified_on and notice.aware_on and notice.notified_on < notice.aware_on:
        errors["notified_on"] = "The panel cannot have been told before the council was aware"
    if not notice.looked_after and (
        notice.ofsted_notified_on or notice.secretary_of_state_notified_on
    ):
        errors["looked_after"] = (
            "Ofsted and the Secretary of State are told only about a looked-after child"
        )
    review = _related(case, "rapid_review")
    if review is not None and notice.notified_on is None:
        errors["notified_on"] = "The rapid review has started, so the notification date stays"
    if errors:
        raise ValidationError(errors)
    return _save(
        notice,
        case=case,
        actor=actor,
        action="notification.recorded",
        notified=notice.notified_on is not None,
        looked_after=notice.looked_after,
    )


# --- Rapid review ----------------------------------------------------------------------------


NO_NOTIFICATION = (
    "A rapid review starts only once the serious incident notification has been sent to the "
    "national panel: record the date it was sent first."
)


@transaction.atomic(durable=True)
def rapid_review_start(*, case: CaseReview, started_on: date, actor: User) -> RapidReview:
    """Start the rapid review. Refused without a notification sent to the panel."""
    case = case_for_change(case, actor)
    notice = _related(case, "notification")
    if notice is None or notice.notified_on is None:
        raise ValidationError(NO_NOTIFICATION)
    if _related(case, "rapid_review") is not None:
        raise ValidationError("The rapid review has already started")
    _not_after_today({"started_on": started_on}, "started_on")
    review = _save(
        RapidReview(case=case, notification=notice, started_on=started_on),
        case=case,
        actor=actor,
        action="rapid_review.started",
    )
    _set_stage(case, Stage.RAPID_REVIEW)
    return review


def _rapid_review(case: CaseReview) -> RapidReview:
    review = _related(case, "rapid_review")
    if review is None:
        raise ValidationError("The rapid review has not started")
    return review  # type: ignore[no-any-return]


@transaction.atomic(durable=True)
def rapid_review_update(*, case: CaseReview, fields: Mapping[str, Any], actor: User) -> RapidReview:
    """The meeting, the summary and outcome report, partner sign-off and the date it went to
    the national panel."""
    case = case_for_change(case, actor)
    review = _apply(_rapid_review(case), fields, RAPID_REVIEW_FIELDS)
    _not_after_today(fields, "meeting_on", "signed_off_on", "sent_to_panel_on")
    if review.sent_to_panel_on and not review.decision:
        raise ValidationError(
            {"sent_to_panel_on": "Record the decision before it goes to the panel"}
        )
    return _save(review, case=case, actor=actor, action="rapid_review.updated")


NEXT_STAGE = {
    RapidReviewDecision.LOCAL_REVIEW: Stage.RAPID_REVIEW,  # until the practice review starts
    RapidReviewDecision.NATIONAL_REVIEW: Stage.NATIONAL_REVIEW,
    RapidReviewDecision.NO_FURTHER_REVIEW: Stage.RAPID_REVIEW,
}


@transaction.atomic(durable=True)
def rapid_review_decide(
    *, case: CaseReview, decision: str, reasons: str, decided_on: date, actor: User
) -> RapidReview:
    """The rapid review's decision, with its reasons."""
    case = case_for_change(case, actor)
    review = _rapid_review(case)
    if decision not in RapidReviewDecision.values:
        raise ValidationError({"decision": "Select the decision"})
    if not reasons.strip():
        raise ValidationError({"reasons": "Enter the reasons for the decision"})
    if _related(case, "practice_review") is not None:
        raise ValidationError("A practice review has started, so the decision stands")
    _not_after_today({"decided_on": decided_on}, "decided_on")
    review.decision = decision
    review.decision_reasons = reasons.strip()
    review.decided_on = decided_on
    review = _save(review, case=case, actor=actor, action="rapid_review.decided", decision=decision)
    _set_stage(case, NEXT_STAGE[RapidReviewDecision(decision)])
    return review


# --- Local practice review -------------------------------------------------------------------


@transaction.atomic(durable=True)
def practice_review_start(
    *, case: CaseReview, kind: str, decided_on: date, terms_of_reference: str = "", actor: User
) -> PracticeReview:
    """Start a local child safeguarding practice review (after a rapid review that decided on
    one) or a local learning review (after any rapid review decision)."""
    case = case_for_change(case, actor)
    review = _related(case, "rapid_review")
    if review is None or not review.decision:
        raise ValidationError("A practice review follows the rapid review's decision")
    if kind == PracticeReviewKind.LCSPR and review.decision != RapidReviewDecision.LOCAL_REVIEW:
        raise ValidationError(
            {"kind": "The rapid review did not decide on a local practice review"}
        )
    if _related(case, "practice_review") is not None:
        raise ValidationError("The practice review has already started")
    _not_after_today({"decided_on": decided_on}, "decided_on")
    practice = _save(
        PracticeReview(
            case=case, kind=kind, decided_on=decided_on, terms_of_reference=terms_of_reference
        ),
        case=case,
        actor=actor,
        action="practice_review.started",
        kind=kind,
    )
    _set_stage(case, Stage.PRACTICE_REVIEW)
    return practice


def practice_review_of(case: CaseReview) -> PracticeReview:
    review = _related(case, "practice_review")
    if review is None:
        raise ValidationError("The practice review has not started")
    return review  # type: ignore[no-any-return]


@transaction.atomic(durable=True)
def practice_review_update(
    *, case: CaseReview, fields: Mapping[str, Any], actor: User
) -> PracticeReview:
    case = case_for_change(case, actor)
    review = _apply(practice_review_of(case), fields, PRACTICE_REVIEW_FIELDS)
    _not_after_today(
        fields,
        "reviewer_appointed_on",
        "final_report_on",
        "sent_to_panel_on",
        "sent_to_department_on",
        "partners_response_on",
    )
    return _save(review, case=case, actor=actor, action="practice_review.updated")


def publication_problems(review: PracticeReview, published_on: date) -> list[str]:
    """Why the report cannot be published on ``published_on`` (empty when it can)."""
    problems = []
    if review.final_report_on is None:
        problems.append("Record when the final report was received")
    send_by = send_before_publication(published_on)
    for sent, whom in (
        (review.sent_to_panel_on, "the national panel"),
        (review.sent_to_department_on, "the Department for Education"),
    ):
        if sent is None or sent > send_by:
            problems.append(
                f"The report must go to {whom} at least 7 working days before publication, "
                f"by {send_by:%-d %B %Y}"
            )
    return problems


# --- Records kept throughout -----------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """A kind of record a case keeps many of, and how staff add and change one."""

    model: type[models.Model]
    fields: frozenset[str]
    action: str  # the audit action, after "casereviews."
    past_dates: tuple[str, ...] = ()  # dates of what has happened: not in the future
    needs_practice_review: bool = False
    # Sets what staff do not type (who recorded it, its number, the date an action closed).
    prepare: Callable[[Any, CaseReview, User], None] | None = None


def _recorded_by(record: Any, case: CaseReview, actor: User) -> None:
    if record.pk is None:
        record.recorded_by = actor


def _numbered(record: Any, case: CaseReview, actor: User) -> None:
    if record.pk is None:
        highest = Recommendation.objects.filter(case=case).aggregate(n=models.Max("number"))["n"]
        record.number = (highest or 0) + 1


def _action_closed(record: Any, case: CaseReview, actor: User) -> None:
    """Done or dropped dates the action today (unless a date was given); reopened, undated."""
    if record.recommendation is not None and record.recommendation.case_id != case.pk:
        raise ValueError("That recommendation belongs to another case.")
    if record.is_open:
        record.completed_on = None
    elif record.completed_on is None:
        record.completed_on = timezone.localdate()


RECORD_KINDS: dict[str, RecordKind] = {
    "chronology": RecordKind(
        ChronologyEntry,
        frozenset({"occurred_on", "agency", "event", "source"}),
        "chronology.recorded",
        past_dates=("occurred_on",),
        prepare=_recorded_by,
    ),
    "information-requests": RecordKind(
        InformationRequest,
        frozenset({"agency", "request", "asked_on", "due_on", "returned_on"}),
        "information_request.recorded",
        past_dates=("asked_on", "returned_on"),
    ),
    "reviewer-requests": RecordKind(
        ReviewerRequest,
        frozenset({"request", "asked_on", "due_on", "answered_on"}),
        "reviewer_request.recorded",
        past_dates=("asked_on", "answered_on"),
        needs_practice_review=True,
    ),
    "checkpoints": RecordKind(
        Checkpoint,
        frozenset({"kind", "due_on", "held_on", "notes"}),
        "checkpoint.recorded",
        past_dates=("held_on",),
        needs_practice_review=True,
    ),
    "meetings": RecordKind(
        Meeting, frozenset({"kind", "held_on", "attendees", "minutes"}), "meeting.recorded"
    ),
    "decisions": RecordKind(
        Decision,
        frozenset({"made_on", "decision", "reasons"}),
        "decision.recorded",
        past_dates=("made_on",),
        prepare=_recorded_by,
    ),
    "recommendations": RecordKind(
        Recommendation, frozenset({"text"}), "recommendation.recorded", prepare=_numbered
    ),
    "actions": RecordKind(
        Action,
        frozenset({"description", "owner", "due_on", "recommendation", "status", "completed_on"}),
        "action.recorded",
        past_dates=("completed_on",),
        prepare=_action_closed,
    ),
}


def _record_save(
    case: CaseReview, record: Any, kind: RecordKind, fields: Mapping[str, Any], actor: User
) -> Any:
    case = case_for_change(case, actor)
    if kind.needs_practice_review:
        practice_review_of(case)
    _not_after_today(fields, *kind.past_dates)
    record = _apply(record, fields, kind.fields)
    if kind.prepare is not None:
        kind.prepare(record, case, actor)
    details = {"status": record.status} if isinstance(record, Action) else {}
    return _save(record, case=case, actor=actor, action=kind.action, **details)


@transaction.atomic(durable=True)
def record_add(*, case: CaseReview, kind: str, fields: Mapping[str, Any], actor: User) -> Any:
    """Add a chronology entry, meeting, decision, request, checkpoint, recommendation or
    action (``RECORD_KINDS``) to a case, for a lead or member of it."""
    record_kind = RECORD_KINDS[kind]
    return _record_save(case, record_kind.model(case=case), record_kind, fields, actor)


@transaction.atomic(durable=True)
def record_update(*, record: Any, kind: str, fields: Mapping[str, Any], actor: User) -> Any:
    """Correct one such record, or move it on (an answer returned, minutes added, an action
    done)."""
    record_kind = RECORD_KINDS[kind]
    if not isinstance(record, record_kind.model):
        raise TypeError(f"A {kind} record was expected.")
    stored: Any = record_kind.model._default_manager.select_related("case__workspace").get(
        pk=record.pk
    )
    return _record_save(stored.case, stored, record_kind, fields, actor)
