"""Reads of child death reviews, always through ``workspaces.selectors`` with the person
asking: only members of a case's workspace see it (an administrator too), outsiders get 404,
and every read is logged. Lists show no name: a reference, the date of death and the age band
are enough to find a case, and nothing is decrypted for them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from safeguarding.cdop.models import (
    STAGE_ORDER,
    AgendaItem,
    Analysis,
    AnalysisAction,
    ChildDeath,
    DomainAssessment,
    FamilyKeyWorker,
    FamilyQuestion,
    JointAgencyResponse,
    Notification,
    PanelMeeting,
    ReportingForm,
    Stage,
    StageRecord,
)
from safeguarding.workspaces.selectors import (
    get_restricted_or_404,
    log_reads,
    restricted_for_user,
)

if TYPE_CHECKING:
    from safeguarding.workspaces.selectors import Person


def cases_for(user: Person) -> QuerySet[ChildDeath]:
    """The cases ``user`` is a member of (none for anyone else)."""
    return restricted_for_user(ChildDeath.objects.all(), user=user)


CASES_PER_PAGE = 50
# What a list shows of a review: no name, nothing encrypted.
LISTED = ("workspace", "reference", "stage", "date_of_death", "age_band", "unexpected")
DASHBOARD_PURPOSE = "child death reviews dashboard"


@dataclass(frozen=True)
class StageGroup:
    stage: Stage
    cases: list[ChildDeath]


@dataclass(frozen=True)
class StageCount:
    """How many of the user's open reviews are at a stage, and how many of those have a
    stage past its target and not yet reached (``overdue_stages``)."""

    stage: Stage
    cases: int
    overdue: int


@dataclass(frozen=True)
class Dashboard:
    stages: list[StageCount]  # every stage that has a review, in order
    stage: Stage | None  # the stage chosen, or None for every stage
    page: Page[ChildDeath]  # the reviews listed, each with its form counts and timeliness
    groups: list[StageGroup]  # the page's reviews by stage
    forms_outstanding: int
    forms_overdue: int
    notifications_waiting: int
    next_meeting: PanelMeeting | None

    @property
    def cases(self) -> int:
        return sum(count.cases for count in self.stages)

    @property
    def overdue(self) -> int:
        return sum(count.overdue for count in self.stages)


def _overdue(today: date) -> Q:
    """A review with a targeted stage not reached and past its target (what ``timeliness``
    calls "overdue"), as a condition the database checks."""
    targets: dict[str, int] = settings.CDOP_TARGET_DAYS
    condition = Q(pk__in=[])
    for stage, key in TARGETED.items():
        target = targets.get(key)
        if target is None:
            continue
        reached = StageRecord.objects.filter(case=OuterRef("pk"), stage=stage)
        # The date first: the database looks for the stage's record only if the target is past.
        late = Q(date_of_death__lt=today - timedelta(days=target)) & Q(~Exists(reached))
        if stage == Stage.JOINT_AGENCY_RESPONSE:
            late &= Q(unexpected=True)
        condition |= late
    return condition


def _stage_counts(cases: QuerySet[ChildDeath], today: date) -> list[StageCount]:
    rows = (
        cases.order_by()
        .values("stage")
        .annotate(cases=Count("pk"), overdue=Count("pk", filter=_overdue(today)))
    )
    found = {row["stage"]: row for row in rows}
    return [
        StageCount(stage, found[stage.value]["cases"], found[stage.value]["overdue"])
        for stage in STAGE_ORDER
        if stage.value in found
    ]


def _add_form_counts(cases: list[ChildDeath], today: date) -> None:
    """Each listed review's reporting forms: requested, returned, outstanding and overdue."""
    outstanding = Q(withdrawn_at__isnull=True, submitted_at__isnull=True)
    counts = {
        row["case_id"]: row
        for row in ReportingForm.objects.filter(case__in=cases)
        .order_by()
        .values("case_id")
        .annotate(
            requested=Count("pk", filter=Q(withdrawn_at__isnull=True)),
            returned=Count("pk", filter=Q(submitted_at__isnull=False)),
            outstanding=Count("pk", filter=outstanding),
            overdue=Count("pk", filter=outstanding & Q(due_on__lt=today)),
        )
    }
    for case in cases:
        row = counts.get(case.pk, {})
        for name in ("requested", "returned", "outstanding", "overdue"):
            setattr(case, f"forms_{name}", row.get(name, 0))


def dashboard(
    user: Person,
    *,
    today: date | None = None,
    stage: str | None = None,
    page: Any = None,
    per_page: int = CASES_PER_PAGE,
) -> Dashboard:
    """The secretariat's dashboard: how many of the user's open reviews are at each stage and
    overdue, their reporting forms outstanding and overdue (all counted by the database), and
    one page of the reviews (of one stage, if ``stage`` names one), by stage then earliest
    death, each with its forms and the stages it waits for against their targets. A read is
    logged for each review listed. A fixed number of queries however many reviews and forms
    there are."""
    today = today or timezone.localdate()
    chosen = Stage(stage) if stage in Stage.values else None
    open_cases = cases_for(user).exclude(ncmd_sent_on__isnull=False)
    listed = open_cases.filter(stage=chosen) if chosen else open_cases
    in_order = Case(*(When(stage=s, then=Value(n)) for n, s in enumerate(STAGE_ORDER)))
    in_stage_order: QuerySet[ChildDeath] = (
        listed.only(*LISTED)
        .annotate(stage_order=in_order)
        .prefetch_related(Prefetch("stage_records", queryset=StageRecord.objects.order_by("on")))
        .order_by("stage_order", "date_of_death", "pk")
    )
    shown = Paginator(in_stage_order, per_page).get_page(page)
    cases = list(shown.object_list)
    log_reads(user, cases, purpose=DASHBOARD_PURPOSE)
    _add_form_counts(cases, today)
    by_stage: dict[str, list[ChildDeath]] = {}
    for case in cases:
        # The stages with a target still to reach: all the list says of its timeliness.
        case.waiting = [
            time
            for time in timeliness(case, today=today)
            if time.target and time.reached_on is None
        ]
        by_stage.setdefault(case.stage, []).append(case)
    outstanding = Q(
        reporting_forms__withdrawn_at__isnull=True, reporting_forms__submitted_at__isnull=True
    )
    forms = open_cases.aggregate(
        outstanding=Count("reporting_forms", filter=outstanding),
        overdue=Count("reporting_forms", filter=outstanding & Q(reporting_forms__due_on__lt=today)),
    )
    return Dashboard(
        stages=_stage_counts(open_cases, today),
        stage=chosen,
        page=shown,
        groups=[StageGroup(s, by_stage[s.value]) for s in STAGE_ORDER if s.value in by_stage],
        forms_outstanding=forms["outstanding"],
        forms_overdue=forms["overdue"],
        notifications_waiting=Notification.objects.filter(case__isnull=True).count(),
        next_meeting=PanelMeeting.objects.filter(held_on__gte=today).order_by("held_on").first(),
    )


# --- Timeliness ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageTime:
    """How long after the death a stage was reached (or how long it has been waiting)."""

    stage: Stage
    reached_on: date | None
    days: int  # from the death to the stage, or to today if not reached
    target: int | None

    @property
    def late(self) -> bool:
        return self.target is not None and self.days > self.target

    @property
    def status(self) -> str:
        if self.target is None:
            return "reached" if self.reached_on else "not reached"
        if self.reached_on is not None:
            return "late" if self.late else "on time"
        return "overdue" if self.late else "waiting"


TARGETED = {
    Stage.JOINT_AGENCY_RESPONSE: "jar",
    Stage.REVIEW_MEETING: "review_meeting",
    Stage.PANEL_REVIEWED: "reviewed",
    Stage.CLOSED: "closed",
}


def timeliness(case: ChildDeath, *, today: date | None = None) -> list[StageTime]:
    """Days from the death to each stage, against ``CDOP_TARGET_DAYS``. The joint agency
    response is only for unexpected deaths. Uses the case's prefetched stage records."""
    today = today or timezone.localdate()
    reached = {record.stage: record.on for record in case.stage_records.all()}
    targets: dict[str, int] = settings.CDOP_TARGET_DAYS
    times = []
    for stage in STAGE_ORDER:
        if stage == Stage.NOTIFIED:
            continue
        if stage == Stage.JOINT_AGENCY_RESPONSE and not case.unexpected:
            continue
        on = reached.get(stage)
        key = TARGETED.get(stage)
        times.append(
            StageTime(
                stage=stage,
                reached_on=on,
                days=((on or today) - case.date_of_death).days,
                target=targets.get(key) if key else None,
            )
        )
    return times


def overdue_stages(case: ChildDeath, *, today: date | None = None) -> list[StageTime]:
    return [time for time in timeliness(case, today=today) if time.status == "overdue"]


# --- One case ------------------------------------------------------------------------------


def case_for(user: Person, pk: Any, *, purpose: str = "view") -> ChildDeath:
    """One case for a member of its workspace (Http404 for anyone else), logged."""
    return get_restricted_or_404(
        ChildDeath.objects.select_related("workspace", "referred_to").prefetch_related(
            Prefetch("stage_records", queryset=StageRecord.objects.select_related("recorded_by"))
        ),
        user=user,
        pk=pk,
        purpose=purpose,
    )


def reporting_forms_of(case: ChildDeath, *, user: Person) -> list[ReportingForm]:
    """The case's reporting forms, for the secretariat's list: who has and has not returned.
    The answers are not loaded here."""
    forms = list(
        restricted_for_user(
            ReportingForm.objects.filter(case=case).defer("answers"),
            user=user,
            workspace_field="case__workspace",
        ).select_related("case")
    )
    log_reads(user, forms, purpose="list reporting forms", workspace_field="case__workspace")
    return forms


def record_of(model: type[Any], user: Person, *, pk: Any, case: ChildDeath, purpose: str) -> Any:
    """One record of a case (a reporting form, a family question), for a member, logged."""
    return get_restricted_or_404(
        model.objects.filter(case=case).select_related("case__workspace"),
        user=user,
        pk=pk,
        purpose=purpose,
        workspace_field="case__workspace",
    )


def family_of(case: ChildDeath, *, user: Person) -> tuple[list[Any], list[FamilyQuestion]]:
    members = list(
        restricted_for_user(
            case.family.all(), user=user, workspace_field="case__workspace"
        ).select_related("case")
    )
    questions = list(
        restricted_for_user(
            case.family_questions.all(), user=user, workspace_field="case__workspace"
        ).select_related("case", "asked_by")
    )
    log_reads(user, [*members, *questions], purpose="family", workspace_field="case__workspace")
    return members, questions


def cases_ready_for_panel(*, user: Person) -> list[ChildDeath]:
    """Cases ready for the panel that ``user`` is a member of and that are on no agenda still
    waiting for a decision."""
    waiting = AgendaItem.objects.filter(decision="").values("case_id")
    return list(
        cases_for(user)
        .filter(stage=Stage.READY_FOR_PANEL)
        .exclude(pk__in=waiting)
        .order_by("date_of_death", "pk")
    )


def agenda_for(meeting: PanelMeeting, *, user: Person) -> list[AgendaItem]:
    """The meeting's agenda items for cases ``user`` is a member of."""
    items = list(
        restricted_for_user(
            AgendaItem.objects.filter(meeting=meeting), user=user, workspace_field="case__workspace"
        )
        .select_related("case", "case__workspace", "case__analysis")
        .order_by("position", "pk")
    )
    log_reads(user, items, purpose="panel agenda", workspace_field="case__workspace")
    return items


def waiting_notifications() -> QuerySet[Notification]:
    """Online notifications that matched no case, oldest first (read by the secretariat's
    role; each page that shows them is audited)."""
    return Notification.objects.filter(case__isnull=True).order_by("received_at", "pk")


# --- The case page -------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRecords:
    """What the case page shows besides the case itself, each read logged."""

    notifications: list[Notification]
    joint_agency_response: JointAgencyResponse | None
    analysis: Analysis | None
    domains: list[DomainAssessment]
    actions: list[AnalysisAction]
    agenda: list[AgendaItem]
    key_worker: FamilyKeyWorker | None


def _inside(queryset: QuerySet[Any], user: Person) -> QuerySet[Any]:
    return restricted_for_user(queryset, user=user, workspace_field="case__workspace")


def case_records(case: ChildDeath, *, user: Person, purpose: str) -> CaseRecords:
    """The notifications, joint agency response, analysis (its domains and actions), agenda
    items and key worker of one case, for a member of it. A fixed number of queries."""
    notifications = list(
        _inside(Notification.objects.filter(case=case), user).select_related("case")
    )
    jar = _inside(JointAgencyResponse.objects.filter(case=case), user).select_related("case")
    analysis = (
        _inside(Analysis.objects.filter(case=case), user)
        .select_related("case", "completed_by", "updated_by")
        .first()
    )
    key_worker = _inside(FamilyKeyWorker.objects.filter(case=case), user).select_related("case")
    agenda = list(
        _inside(AgendaItem.objects.filter(case=case), user).select_related("case", "meeting")
    )
    domains: list[DomainAssessment] = []
    actions: list[AnalysisAction] = []
    if analysis is not None:
        domains = list(
            restricted_for_user(
                analysis.domains.all(), user=user, workspace_field="analysis__case__workspace"
            ).select_related("analysis__case")
        )
        actions = list(
            restricted_for_user(
                analysis.actions.all(), user=user, workspace_field="analysis__case__workspace"
            ).select_related("analysis__case")
        )
    response, worker = jar.first(), key_worker.first()
    in_case = [
        *notifications,
        *[record for record in (response, analysis, worker) if record is not None],
        *agenda,
    ]
    log_reads(user, in_case, purpose=purpose, workspace_field="case__workspace")
    log_reads(
        user, [*domains, *actions], purpose=purpose, workspace_field="analysis__case__workspace"
    )
    return CaseRecords(
        notifications=notifications,
        joint_agency_response=response,
        analysis=analysis,
        domains=domains,
        actions=actions,
        agenda=agenda,
        key_worker=worker,
    )


def meetings() -> QuerySet[PanelMeeting]:
    """Panel meetings, the latest first, with how many cases each has on its agenda (a
    meeting names no child)."""
    return PanelMeeting.objects.annotate(items_count=Count("items")).order_by("-held_on", "-pk")


def agenda_item_for(user: Person, *, meeting: Any, pk: Any, purpose: str) -> AgendaItem:
    """One agenda item of a meeting, for a member of its case's review (Http404 otherwise)."""
    return get_restricted_or_404(
        AgendaItem.objects.filter(meeting_id=meeting).select_related(
            "case", "case__workspace", "meeting"
        ),
        user=user,
        pk=pk,
        purpose=purpose,
        workspace_field="case__workspace",
    )
