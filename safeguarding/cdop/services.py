"""Changes to child death reviews. Each is one transaction with one audit entry, and each
locks the case first, so two members acting at once are decided one after the other.

Writes need a live lead or member of the case's workspace (``require_role``: anyone else gets
a 404, as for a read); closing a case needs a lead. Audit details hold ids, dates and codes,
never a name or free text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.cdop.models import (
    CONTRIBUTING,
    KIND,
    STAGE_ORDER,
    WITH_FACTORS,
    Agency,
    AgendaItem,
    Analysis,
    AnalysisAction,
    Category,
    ChildDeath,
    ContactPreference,
    Contribution,
    Decision,
    Domain,
    DomainAssessment,
    FamilyKeyWorker,
    FamilyMember,
    FamilyQuestion,
    JointAgencyResponse,
    Notification,
    NotificationSource,
    PanelAttendance,
    PanelMeeting,
    Stage,
    StageRecord,
)
from safeguarding.cdop.scope import ScopeFacts, age_band, scope_problems
from safeguarding.cdop.selectors import cases_ready_for_panel
from safeguarding.core.crypto import lookup_hash
from safeguarding.inventory.subjects import ChildIdentity
from safeguarding.privacy.retention.services import legal_hold_add
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.forms import nhs_number_digits, validate_nhs_number
from safeguarding.workspaces.models import MembershipRole, Workspace
from safeguarding.workspaces.referrals import NoReferralTarget, Referral, refer
from safeguarding.workspaces.selectors import require_role

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

CASE_REVIEW_KIND = "case_review"
CLOSED = "This review is closed, so it cannot be changed."
NO_CASE_REVIEWS = (
    "A referral cannot be opened here: the case review service is not set up on this "
    "system. Refer the death to the safeguarding partners by their usual route, and note "
    "that you did in the case."
)
WRITERS = (MembershipRole.LEAD, MembershipRole.MEMBER)


# --- What a notification carries -------------------------------------------------------------


@dataclass(frozen=True)
class ChildDetails:
    """The child and the death, as a notification gives them."""

    name: str
    date_of_birth: date
    date_of_death: date
    birth_outcome: str
    unexpected: bool
    resident_in_area: bool
    died_in_area: bool
    nhs_number: str = ""
    sex: str = ""
    ethnicity: str = ""
    home_address: str = ""
    gp_practice: str = ""
    place_of_death: str = ""
    circumstances: str = ""

    def scope_facts(self) -> ScopeFacts:
        return ScopeFacts(
            birth_outcome=self.birth_outcome,
            date_of_birth=self.date_of_birth,
            date_of_death=self.date_of_death,
            resident_in_area=self.resident_in_area,
            died_in_area=self.died_in_area,
        )

    def to_json(self) -> str:
        data = asdict(self)
        data["date_of_birth"] = self.date_of_birth.isoformat()
        data["date_of_death"] = self.date_of_death.isoformat()
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ChildDetails:
        data = json.loads(text)
        data["date_of_birth"] = date.fromisoformat(data["date_of_birth"])
        data["date_of_death"] = date.fromisoformat(data["date_of_death"])
        return cls(**data)


@dataclass(frozen=True)
class Notifier:
    """Who notified the death (a professional)."""

    name: str
    role: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Notified:
    """What a notification did: opened ``case``, or was linked to it as a later notification
    for the same child."""

    case: ChildDeath
    notification: Notification
    linked: bool


def _clean_child(child: ChildDetails) -> ChildDetails:
    """The details checked: in scope, named, and any NHS number valid (its check digit), kept
    as its ten digits."""
    problems = scope_problems(child.scope_facts())
    if not child.name.strip():
        problems["name"] = "Enter the child's full name"
    nhs_number = nhs_number_digits(child.nhs_number.strip())
    if nhs_number:
        try:
            validate_nhs_number(nhs_number)
        except ValidationError as error:
            problems["nhs_number"] = error.messages[0]
    if problems:
        raise ValidationError(problems)
    return replace(child, name=child.name.strip(), nhs_number=nhs_number)


def _locked(case: ChildDeath) -> ChildDeath:
    return ChildDeath.objects.select_for_update().select_related("workspace").get(pk=case.pk)


def writable_case(case: ChildDeath, actor: User, *roles: MembershipRole) -> ChildDeath:
    """The case, locked, if ``actor`` may change it (Http404 for an outsider)."""
    case = _locked(case)
    require_role(actor, case.workspace, *(roles or WRITERS))
    if case.is_closed:
        raise ValidationError(CLOSED)
    return case


def _case_for_nhs_number(nhs_number: str) -> ChildDeath | None:
    hashed = lookup_hash("nhs_number", nhs_number) if nhs_number else ""
    if not hashed:
        return None
    return ChildDeath.objects.select_for_update().filter(nhs_lookup=hashed).first()


def _email_hash(email: str) -> str:
    """The keyed hash an access request finds an encrypted email address by."""
    return lookup_hash("text", email.strip().lower()) if email.strip() else ""


def _identity_hashes(child: ChildDetails) -> dict[str, str]:
    return {
        "nhs_lookup": lookup_hash("nhs_number", child.nhs_number) if child.nhs_number else "",
        "name_lookup": lookup_hash("name", child.name),
        "born_lookup": lookup_hash("date", child.date_of_birth.isoformat()),
    }


def _new_notification(
    *,
    case: ChildDeath | None,
    child: ChildDetails,
    notifier: Notifier,
    source: NotificationSource,
    actor: User | None,
    linked: bool,
) -> Notification:
    if not notifier.name.strip():
        raise ValidationError({"notifier_name": "Enter the name of the person notifying"})
    notification = Notification(
        case=case,
        source=source,
        recorded_by=actor,
        details=child.to_json(),
        notifier_name=notifier.name.strip(),
        notifier_role=notifier.role.strip(),
        notifier_organisation=notifier.organisation.strip(),
        notifier_email=notifier.email.strip(),
        notifier_phone=notifier.phone.strip(),
        notifier_lookup=_email_hash(notifier.email),
        linked_as_duplicate=linked,
        **_identity_hashes(child),
    )
    notification.save()
    return notification


def _next_reference(year: int) -> str:
    prefix = f"CDOP-{year}-"
    used = [
        int(reference.removeprefix(prefix))
        for reference in ChildDeath.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        if reference.removeprefix(prefix).isdigit()
    ]
    return f"{prefix}{max(used, default=0) + 1:03d}"


def record_stage(case: ChildDeath, stage: Stage, *, on: date, actor: User) -> None:
    """Record (or correct the day of) ``stage``, and move the case on to it if it is later
    than where the case is."""
    StageRecord.objects.update_or_create(
        case=case,
        stage=stage,
        defaults={"on": on, "recorded_by": actor, "recorded_at": timezone.now()},
    )
    if STAGE_ORDER.index(stage) > STAGE_ORDER.index(Stage(case.stage)):
        case.stage = stage
        case.save(update_fields=["stage"])


def _open_case(child: ChildDetails, *, received_on: date, actor: User) -> ChildDeath:
    reference = _next_reference(received_on.year)
    workspace = workspace_services.workspace_create(
        kind=KIND, title=reference, lead=actor, actor=actor
    )
    case = ChildDeath(
        workspace=workspace,
        reference=reference,
        child_name=child.name.strip(),
        date_of_birth=child.date_of_birth,
        nhs_number=child.nhs_number,
        sex=child.sex,
        ethnicity=child.ethnicity,
        home_address=child.home_address.strip(),
        gp_practice=child.gp_practice.strip(),
        place_of_death=child.place_of_death.strip(),
        circumstances=child.circumstances.strip(),
        date_of_death=child.date_of_death,
        age_band=age_band(child.date_of_birth, child.date_of_death),
        unexpected=child.unexpected,
        resident_in_area=child.resident_in_area,
        died_in_area=child.died_in_area,
        opened_by=actor,
        **_identity_hashes(child),
    )
    case.save()
    StageRecord.objects.create(case=case, stage=Stage.NOTIFIED, on=received_on, recorded_by=actor)
    if settings.CDOP_LEGAL_HOLD_BY_DEFAULT:
        legal_hold_add(
            record=case,
            reason=(
                "A child death review's case file: records relevant to child protection are "
                "kept until the hold is reviewed."
            ),
            authority=str(settings.CDOP_LEGAL_HOLD_AUTHORITY),
            review_date=timezone.localdate() + timedelta(days=settings.CDOP_LEGAL_HOLD_REVIEW_DAYS),
            actor=actor,
            scope_label=reference,
        )
    audit_log(
        action="cdop.case.opened",
        actor=actor,
        target=case,
        details={"workspace": workspace.pk, "unexpected": case.unexpected},
    )
    return case


def notify_death(*, child: ChildDetails, notifier: Notifier, actor: User) -> Notified:
    """The secretariat records a notification. A child whose NHS number matches a case
    already open is linked to it (found by the keyed hash); otherwise a case opens, with the
    actor as its workspace's lead."""
    child = _clean_child(child)
    if not actor.is_active:
        raise PermissionDenied("A disabled account cannot record a notification.")
    with transaction.atomic(durable=True):
        existing = _case_for_nhs_number(child.nhs_number)
        if existing is not None:
            notification = _new_notification(
                case=existing,
                child=child,
                notifier=notifier,
                source=NotificationSource.STAFF,
                actor=actor,
                linked=True,
            )
            audit_log(
                action="cdop.notification.linked",
                actor=actor,
                target=notification,
                details={"case": existing.pk},
            )
            return Notified(case=existing, notification=notification, linked=True)
        case = _open_case(child, received_on=timezone.localdate(), actor=actor)
        notification = _new_notification(
            case=case,
            child=child,
            notifier=notifier,
            source=NotificationSource.STAFF,
            actor=actor,
            linked=False,
        )
        return Notified(case=case, notification=notification, linked=False)


def notify_death_online(*, child: ChildDetails, notifier: Notifier) -> Notification:
    """A notification through the public form, from someone without an account. Stored
    encrypted; linked to the child's case when the NHS number matches one, otherwise it waits
    for the secretariat to open a case from it. Nothing of it is shown back."""
    child = _clean_child(child)
    with transaction.atomic(durable=True):
        existing = _case_for_nhs_number(child.nhs_number)
        notification = _new_notification(
            case=existing,
            child=child,
            notifier=notifier,
            source=NotificationSource.ONLINE,
            actor=None,
            linked=existing is not None,
        )
        audit_log(
            action="cdop.notification.received",
            actor=None,
            target=notification,
            details={"case": existing.pk if existing else None},
        )
    return notification


def notification_open_case(*, notification: Notification, actor: User) -> Notified:
    """The secretariat takes an online notification that matched no case: it opens one (or
    is linked, if a case for the NHS number opened meanwhile)."""
    with transaction.atomic(durable=True):
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.case_id is not None:
            raise ValidationError("This notification has already been dealt with.")
        child = _clean_child(ChildDetails.from_json(notification.details))
        case = _case_for_nhs_number(child.nhs_number)
        linked = case is not None
        if case is None:
            case = _open_case(
                child, received_on=timezone.localdate(notification.received_at), actor=actor
            )
        notification.case = case
        notification.linked_as_duplicate = linked
        notification.save(update_fields=["case", "linked_as_duplicate"])
        audit_log(
            action="cdop.notification.accepted",
            actor=actor,
            target=notification,
            details={"case": case.pk, "linked": linked},
        )
    return Notified(case=case, notification=notification, linked=linked)


def notification_discard(*, notification: Notification, reason: str, actor: User) -> None:
    """Remove an online notification that matched no case and opens none (sent in error, or
    a duplicate the secretariat recognised without an NHS number)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the notification is being removed"})
    with transaction.atomic(durable=True):
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.case_id is not None:
            raise ValidationError("This notification belongs to a case, so it cannot be removed.")
        audit_log(
            action="cdop.notification.discarded",
            actor=actor,
            target=notification,
            reason=reason,
        )
        notification.delete()


# --- Stages ----------------------------------------------------------------------------------


def _day_between(day: date, *, earliest: date, field: str, what: str) -> date:
    if day < earliest:
        raise ValidationError({field: f"{what} must be on or after the date of death"})
    if day > timezone.localdate():
        raise ValidationError({field: f"{what} must be today or in the past"})
    return day


def jar_record(
    *, case: ChildDeath, started_on: date, agencies: list[str], notes: str, actor: User
) -> JointAgencyResponse:
    """Record the joint agency response to an unexpected death (or correct it)."""
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        if not case.unexpected:
            raise ValidationError(
                "A joint agency response is only held for unexpected deaths; this death was "
                "notified as expected."
            )
        _day_between(
            started_on, earliest=case.date_of_death, field="started_on", what="Date it began"
        )
        chosen = sorted(set(agencies))
        if not chosen or not set(chosen) <= set(Agency.values):
            raise ValidationError({"agencies": "Select the agencies that took part"})
        response = JointAgencyResponse.objects.filter(case=case).first() or JointAgencyResponse(
            case=case
        )
        response.started_on = started_on
        response.agencies = chosen
        response.notes = notes.strip()
        response.recorded_by = actor
        response.recorded_at = timezone.now()
        response.save()
        record_stage(case, Stage.JOINT_AGENCY_RESPONSE, on=started_on, actor=actor)
        audit_log(
            action="cdop.jar.recorded",
            actor=actor,
            target=case,
            details={"started_on": started_on.isoformat(), "agencies": chosen},
        )
    return response


def review_meeting_record(*, case: ChildDeath, held_on: date, actor: User) -> ChildDeath:
    """Record the child death review meeting of the professionals who knew the child."""
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        _day_between(held_on, earliest=case.date_of_death, field="held_on", what="Date held")
        record_stage(case, Stage.REVIEW_MEETING, on=held_on, actor=actor)
        audit_log(
            action="cdop.review_meeting.recorded",
            actor=actor,
            target=case,
            details={"held_on": held_on.isoformat()},
        )
    return case


def case_mark_ready(*, case: ChildDeath, actor: User) -> ChildDeath:
    """The case is ready for the panel: its agenda picks it up."""
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        if not StageRecord.objects.filter(case=case, stage=Stage.REVIEW_MEETING).exists():
            raise ValidationError(
                "Record the child death review meeting before the case goes to the panel."
            )
        if STAGE_ORDER.index(Stage(case.stage)) >= STAGE_ORDER.index(Stage.READY_FOR_PANEL):
            raise ValidationError("This case has already gone to the panel.")
        record_stage(case, Stage.READY_FOR_PANEL, on=timezone.localdate(), actor=actor)
        audit_log(action="cdop.case.ready", actor=actor, target=case)
    return case


# --- The panel's analysis ----------------------------------------------------------------------


@dataclass(frozen=True)
class DomainFinding:
    contribution: str
    factors: str = ""
    modifiable: bool = False


@dataclass(frozen=True)
class AnalysisInput:
    category: str = ""
    summary: str = ""
    learning: str = ""
    domains: Mapping[str, DomainFinding] = field(default_factory=dict)


def analysis_problems(data: AnalysisInput, *, completing: bool) -> dict[str, str]:
    """The analysis form's rules, field by field. Factors must be described wherever the
    panel found some; only factors that may have contributed can be modifiable (the DfE
    definition); completing needs the category, every domain, and the learning where
    modifiable factors were found."""
    problems: dict[str, str] = {}
    if data.category and data.category not in Category.values:
        problems["category"] = "Select the category of death"
    for domain, finding in data.domains.items():
        if domain not in Domain.values or finding.contribution not in Contribution.values:
            problems[f"{domain}_contribution"] = "Select how far the factors contributed"
            continue
        if finding.contribution in WITH_FACTORS and not finding.factors.strip():
            problems[f"{domain}_factors"] = "Describe the factors the panel identified"
        if finding.modifiable and finding.contribution not in CONTRIBUTING:
            problems[f"{domain}_modifiable"] = (
                "Only factors that may have contributed to the death can be modifiable"
            )
    if completing:
        if not data.category:
            problems.setdefault("category", "Select the category of death")
        for domain in Domain.values:
            if domain not in data.domains:
                problems.setdefault(
                    f"{domain}_contribution", "Select how far the factors contributed"
                )
        if any(f.modifiable for f in data.domains.values()) and not data.learning.strip():
            problems.setdefault(
                "learning", "Enter the learning: the panel found modifiable factors"
            )
    return problems


def analysis_input(analysis: Analysis) -> AnalysisInput:
    """What is saved, in the shape the rules check."""
    return AnalysisInput(
        category=analysis.category,
        summary=analysis.summary,
        learning=analysis.learning,
        domains={
            d.domain: DomainFinding(d.contribution, d.factors, d.modifiable)
            for d in analysis.domains.all()
        },
    )


def analysis_save(
    *, case: ChildDeath, data: AnalysisInput, actor: User, complete: bool = False
) -> Analysis:
    """Save the panel's analysis; with ``complete``, finish it: the case is then reviewed by
    the panel and ``modifiable_factors`` is set from the domains."""
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        problems = analysis_problems(data, completing=complete)
        if problems:
            raise ValidationError(problems)
        if complete and STAGE_ORDER.index(Stage(case.stage)) < STAGE_ORDER.index(
            Stage.READY_FOR_PANEL
        ):
            raise ValidationError("Mark the case ready for the panel before completing it.")
        analysis = Analysis.objects.filter(case=case).first() or Analysis(case=case)
        if analysis.is_complete and not complete:
            raise ValidationError("The analysis is complete; reopen it to change it.")
        analysis.category = data.category
        analysis.summary = data.summary.strip()
        analysis.learning = data.learning.strip()
        analysis.updated_at = timezone.now()
        analysis.updated_by = actor
        analysis.save()
        for domain, finding in data.domains.items():
            DomainAssessment.objects.update_or_create(
                analysis=analysis,
                domain=domain,
                defaults={
                    "contribution": finding.contribution,
                    "factors": finding.factors.strip(),
                    "modifiable": finding.modifiable,
                },
            )
        if complete:
            analysis.modifiable_factors = any(f.modifiable for f in data.domains.values())
            analysis.completed_at = timezone.now()
            analysis.completed_by = actor
            analysis.save(update_fields=["modifiable_factors", "completed_at", "completed_by"])
            record_stage(case, Stage.PANEL_REVIEWED, on=timezone.localdate(), actor=actor)
        audit_log(
            action="cdop.analysis.completed" if complete else "cdop.analysis.saved",
            actor=actor,
            target=case,
            details={
                "category": data.category,
                "modifiable_factors": analysis.modifiable_factors,
            },
        )
    return analysis


def analysis_reopen(*, case: ChildDeath, reason: str, actor: User) -> Analysis:
    """Reopen a completed analysis (the panel revisits it); the case goes back to ready."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the analysis is being reopened"})
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        analysis = Analysis.objects.filter(case=case, completed_at__isnull=False).first()
        if analysis is None:
            raise ValidationError("The analysis is not complete, so there is nothing to reopen.")
        analysis.completed_at = None
        analysis.completed_by = None
        analysis.modifiable_factors = None
        analysis.save(update_fields=["completed_at", "completed_by", "modifiable_factors"])
        StageRecord.objects.filter(case=case, stage=Stage.PANEL_REVIEWED).delete()
        case.stage = Stage.READY_FOR_PANEL
        case.save(update_fields=["stage"])
        audit_log(action="cdop.analysis.reopened", actor=actor, target=case, reason=reason)
    return analysis


def action_add(
    *, case: ChildDeath, description: str, owner: str, due_on: date | None, actor: User
) -> AnalysisAction:
    """An action the panel agreed, for an organisation, by a date."""
    errors = {}
    if not description.strip():
        errors["description"] = "Enter the action"
    if not owner.strip():
        errors["owner"] = "Enter the organisation responsible"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        analysis = Analysis.objects.filter(case=case).first()
        if analysis is None:
            raise ValidationError("Start the analysis before adding actions.")
        action = AnalysisAction(
            analysis=analysis,
            description=description.strip(),
            owner=owner.strip(),
            due_on=due_on,
            added_by=actor,
        )
        action.full_clean()
        action.save()
        audit_log(action="cdop.action.added", actor=actor, target=action, details={"case": case.pk})
    return action


# --- Panel meetings ----------------------------------------------------------------------------


def meeting_create(*, held_on: date, location: str, actor: User) -> PanelMeeting:
    with transaction.atomic(durable=True):
        meeting = PanelMeeting(held_on=held_on, location=location.strip(), created_by=actor)
        meeting.full_clean()
        meeting.save()
        audit_log(
            action="cdop.meeting.created",
            actor=actor,
            target=meeting,
            details={"held_on": held_on.isoformat()},
        )
    return meeting


def meeting_build_agenda(*, meeting: PanelMeeting, actor: User) -> int:
    """Put every case ready for the panel (that the actor can see) on the agenda. Returns
    how many were added."""
    with transaction.atomic(durable=True):
        meeting = PanelMeeting.objects.select_for_update().get(pk=meeting.pk)
        cases = cases_ready_for_panel(user=actor)
        start = meeting.items.count()
        for position, case in enumerate(cases, start=start + 1):
            AgendaItem.objects.create(meeting=meeting, case=case, position=position)
        audit_log(
            action="cdop.meeting.agenda_built",
            actor=actor,
            target=meeting,
            details={"cases": [case.pk for case in cases]},
        )
    return len(cases)


def attendance_record(
    *, meeting: PanelMeeting, name: str, organisation: str, role: str, present: bool, actor: User
) -> PanelAttendance:
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the person's name"
    if not organisation.strip():
        errors["organisation"] = "Enter their organisation"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(durable=True):
        attendance = PanelAttendance(
            meeting=meeting,
            name=name.strip(),
            organisation=organisation.strip(),
            role=role.strip(),
            present=present,
        )
        attendance.full_clean()
        attendance.save()
        audit_log(
            action="cdop.meeting.attendance_recorded",
            actor=actor,
            target=meeting,
            details={"present": present},
        )
    return attendance


def agenda_decide(*, item: AgendaItem, decision: str, notes: str, actor: User) -> AgendaItem:
    """The panel's decision on one case at a meeting. "Reviewed" needs the analysis complete."""
    if decision not in Decision.values:
        raise ValidationError({"decision": "Select the panel's decision"})
    with transaction.atomic(durable=True):
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        case = writable_case(item.case, actor)
        if (
            decision == Decision.REVIEWED
            and not Analysis.objects.filter(case=case, completed_at__isnull=False).exists()
        ):
            raise ValidationError({"decision": "Complete the analysis before recording the review"})
        item.decision = decision
        item.decision_notes = notes.strip()
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.save()
        audit_log(
            action="cdop.meeting.decision_recorded",
            actor=actor,
            target=item,
            details={"case": case.pk, "meeting": item.meeting_id, "decision": decision},
        )
    return item


# --- Closure, NCMD and referral ------------------------------------------------------------------


def case_close(*, case: ChildDeath, actor: User) -> ChildDeath:
    """Close a reviewed case (a lead only): its workspace closes too, and reporting forms
    still outstanding are withdrawn."""
    with transaction.atomic(durable=True):
        case = writable_case(case, actor, MembershipRole.LEAD)
        if case.stage != Stage.PANEL_REVIEWED:
            raise ValidationError("A case closes once the panel has completed its analysis.")
        now = timezone.now()
        withdrawn = case.reporting_forms.filter(
            submitted_at__isnull=True, withdrawn_at__isnull=True
        )
        withdrawn_count = withdrawn.update(withdrawn_at=now, nonce="")
        case.closed_at = now
        case.stage = Stage.CLOSED
        case.save(update_fields=["closed_at", "stage"])
        StageRecord.objects.update_or_create(
            case=case,
            stage=Stage.CLOSED,
            defaults={"on": timezone.localdate(now), "recorded_by": actor, "recorded_at": now},
        )
        workspace_services.workspace_close(
            workspace=case.workspace, reason="The child death review is closed", actor=actor
        )
        audit_log(
            action="cdop.case.closed",
            actor=actor,
            target=case,
            details={"forms_withdrawn": withdrawn_count},
        )
    return case


def ncmd_sent_record(*, case: ChildDeath, sent_on: date, actor: User) -> ChildDeath:
    """Record the day the closed case was sent to the National Child Mortality Database."""
    with transaction.atomic(durable=True):
        case = _locked(case)
        require_role(actor, case.workspace, *WRITERS)
        if not case.is_closed or case.closed_at is None:
            raise ValidationError("Close the case before sending it to the national database.")
        if sent_on < timezone.localdate(case.closed_at) or sent_on > timezone.localdate():
            raise ValidationError(
                {"sent_on": "Date sent must be between the day the case closed and today"}
            )
        case.ncmd_sent_on = sent_on
        case.ncmd_sent_by = actor
        case.save(update_fields=["ncmd_sent_on", "ncmd_sent_by"])
        audit_log(
            action="cdop.case.sent_to_ncmd",
            actor=actor,
            target=case,
            details={"sent_on": sent_on.isoformat()},
        )
    return case


def case_refer(*, case: ChildDeath, reason: str, actor: User) -> Workspace:
    """Refer the death to the safeguarding partners, where abuse or neglect is suspected: it
    opens a serious incident notification in the case-review workspace (through
    ``workspaces.referrals``), and each side records the other."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why abuse or neglect is suspected"})
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        if case.referred_to_id is not None:
            raise ValidationError("This death has already been referred.")
        try:
            opened = refer(
                CASE_REVIEW_KIND,
                Referral(
                    from_workspace=case.workspace,
                    child=ChildIdentity(
                        full_name=case.child_name,
                        date_of_birth=case.date_of_birth,
                        nhs_number=case.nhs_number,
                    ),
                    reason=reason,
                    actor=actor,
                ),
            )
        except NoReferralTarget:
            raise ValidationError(NO_CASE_REVIEWS) from None
        case.referred_to = opened
        case.referred_at = timezone.now()
        case.referred_by = actor
        case.referral_reason = reason
        case.save(update_fields=["referred_to", "referred_at", "referred_by", "referral_reason"])
        audit_log(
            action="cdop.case.referred",
            actor=actor,
            target=case,
            details={"workspace": opened.pk},
        )
    return opened


# --- Families --------------------------------------------------------------------------------


def key_worker_set(
    *, case: ChildDeath, name: str, role: str, contact: str, actor: User
) -> FamilyKeyWorker:
    if not name.strip():
        raise ValidationError({"name": "Enter the key worker's name"})
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        worker = FamilyKeyWorker.objects.filter(case=case).first() or FamilyKeyWorker(case=case)
        worker.name = name.strip()
        worker.role = role.strip()
        worker.contact = contact.strip()
        worker.updated_by = actor
        worker.updated_at = timezone.now()
        worker.save()
        audit_log(action="cdop.family.key_worker_set", actor=actor, target=case)
    return worker


@dataclass(frozen=True)
class FamilyContact:
    name: str
    relationship: str
    contact_preference: str
    phone: str = ""
    email: str = ""
    address: str = ""
    notes: str = ""


def family_member_add(*, case: ChildDeath, contact: FamilyContact, actor: User) -> FamilyMember:
    errors = {}
    if not contact.name.strip():
        errors["name"] = "Enter their name"
    if not contact.relationship.strip():
        errors["relationship"] = "Enter their relationship to the child"
    if contact.contact_preference not in ContactPreference.values:
        errors["contact_preference"] = "Select how they want to be contacted"
    elif contact.contact_preference == ContactPreference.EMAIL and not contact.email.strip():
        errors["email"] = "Enter their email address, or choose another way to contact them"
    elif contact.contact_preference == ContactPreference.PHONE and not contact.phone.strip():
        errors["phone"] = "Enter their phone number, or choose another way to contact them"
    elif contact.contact_preference == ContactPreference.LETTER and not contact.address.strip():
        errors["address"] = "Enter their address, or choose another way to contact them"
    if errors:
        raise ValidationError(errors)
    email = contact.email.strip().lower()
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        member = FamilyMember(
            case=case,
            name=contact.name.strip(),
            relationship=contact.relationship.strip(),
            contact_preference=contact.contact_preference,
            phone=contact.phone.strip(),
            email=email,
            email_lookup=_email_hash(email),
            address=contact.address.strip(),
            notes=contact.notes.strip(),
            added_by=actor,
        )
        member.save()
        audit_log(
            action="cdop.family.member_added", actor=actor, target=member, details={"case": case.pk}
        )
    return member


def family_question_add(
    *,
    case: ChildDeath,
    question: str,
    asked_on: date,
    asked_by: FamilyMember | None,
    actor: User,
) -> FamilyQuestion:
    if not question.strip():
        raise ValidationError({"question": "Enter the family's question"})
    if asked_on > timezone.localdate():
        raise ValidationError({"asked_on": "Date asked must be today or in the past"})
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        if asked_by is not None and asked_by.case_id != case.pk:
            raise ValidationError({"asked_by": "Select a member of this child's family"})
        entry = FamilyQuestion(
            case=case,
            asked_by=asked_by,
            question=question.strip(),
            asked_on=asked_on,
            recorded_by=actor,
        )
        entry.save()
        audit_log(
            action="cdop.family.question_added",
            actor=actor,
            target=entry,
            details={"case": case.pk},
        )
    return entry


def family_question_answer(
    *, question: FamilyQuestion, answer: str, answered_on: date, actor: User
) -> FamilyQuestion:
    if not answer.strip():
        raise ValidationError({"answer": "Enter the panel's answer"})
    with transaction.atomic(durable=True):
        question = FamilyQuestion.objects.select_for_update().get(pk=question.pk)
        case = writable_case(question.case, actor)
        if answered_on < question.asked_on or answered_on > timezone.localdate():
            raise ValidationError(
                {"answered_on": "Date answered must be between the day it was asked and today"}
            )
        question.answer = answer.strip()
        question.answered_on = answered_on
        question.answered_by = actor
        question.save()
        audit_log(
            action="cdop.family.question_answered",
            actor=actor,
            target=question,
            details={"case": case.pk},
        )
    return question
