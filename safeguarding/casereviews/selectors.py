"""Reads of cases, all through ``workspaces.selectors`` with the person asking: only a live
member of a case's workspace sees it (administrators included), everyone else gets 404, and
every record shown is logged in the read log with why it was read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Prefetch

from safeguarding.casereviews.clocks import Clock, case_clocks, next_due, overdue
from safeguarding.casereviews.models import (
    LIVE_STAGES,
    Action,
    CaseReview,
    CaseSubject,
    Checkpoint,
    IdentificationHit,
    InformationRequest,
    PublicationCheck,
    ReviewerRequest,
)
from safeguarding.casereviews.services import RECORD_KINDS
from safeguarding.workspaces.selectors import get_restricted_or_404, log_reads, restricted_for_user

if TYPE_CHECKING:
    from safeguarding.workspaces.selectors import Person

IN_CASE = "case__workspace"
# The dated items each clock list needs, beside the notification and the reviews.
_DATED = (
    ("information_requests", InformationRequest),
    ("reviewer_requests", ReviewerRequest),
    ("checkpoints", Checkpoint),
    ("actions", Action),
)


def _with_clock_data(cases: models.QuerySet[CaseReview], user: Person) -> Any:
    return cases.select_related(
        "workspace", "notification", "rapid_review", "practice_review"
    ).prefetch_related(
        *(
            Prefetch(
                name, restricted_for_user(model.objects.all(), user=user, workspace_field=IN_CASE)
            )
            for name, model in _DATED
        )
    )


@dataclass(frozen=True)
class CaseLine:
    """One live case on the dashboard."""

    case: CaseReview
    clocks: list[Clock]
    next_due: Clock | None
    next_due_words: str
    overdue: int


CASES_PER_PAGE = 50


@dataclass(frozen=True)
class LiveCases:
    """One page of a member's live cases, each with its clocks."""

    page: Page[CaseReview]
    lines: list[CaseLine]


def live_cases(
    user: Person, *, today: date, page: Any = None, per_page: int = CASES_PER_PAGE
) -> LiveCases:
    """One page of the live cases ``user`` is a member of, with their clocks, latest opened
    first; a read is logged for each case shown, and only for those."""
    shown = Paginator(
        _with_clock_data(
            restricted_for_user(CaseReview.objects.filter(stage__in=LIVE_STAGES), user=user),
            user,
        ).order_by("-opened_at", "-pk"),
        per_page,
    ).get_page(page)
    cases = list(shown.object_list)
    if cases:
        log_reads(user, cases, purpose="list my cases")
    lines = []
    for case in cases:
        clocks = case_clocks(case)
        soonest = next_due(clocks)
        words = soonest.in_words(today) if soonest else ""
        lines.append(CaseLine(case, clocks, soonest, words, len(overdue(clocks, today))))
    return LiveCases(shown, lines)


def case_for(user: Person, pk: Any, *, purpose: str) -> CaseReview:
    """One case for a member, with what its clocks need; Http404 for anyone else."""
    case: CaseReview = get_restricted_or_404(
        _with_clock_data(CaseReview.objects.all(), user), user=user, pk=pk, purpose=purpose
    )
    return case


def _of_kind(user: Person, case: CaseReview, kind: str) -> models.QuerySet[Any]:
    model = RECORD_KINDS[kind].model
    related_name = str(model._meta.get_field("case").remote_field.related_name)  # type: ignore[union-attr]
    # Through the case's own manager, so each record knows its case without a query.
    return restricted_for_user(
        getattr(case, related_name).all(), user=user, workspace_field=IN_CASE
    )


def case_page_records(
    user: Person, case: CaseReview, kinds: list[str], *, latest: dict[str, int], purpose: str
) -> dict[str, list[Any]]:
    """For the case page: the records of each of ``kinds``, oldest first (only the ``latest``
    few of a kind named there), with every read logged in one insert."""
    found: dict[str, list[Any]] = {}
    for kind in kinds:
        rows = _of_kind(user, case, kind)
        found[kind] = list(rows.reverse()[: latest[kind]])[::-1] if kind in latest else list(rows)
    shown = [record for records in found.values() for record in records]
    if shown:
        log_reads(user, shown, purpose=purpose, workspace_field=IN_CASE)
    return found


def records_page(
    user: Person, case: CaseReview, kind: str, *, number: Any, size: int, purpose: str
) -> Page[Any]:
    """One page of the records of one kind, oldest first; only that page's reads logged."""
    page = Paginator(_of_kind(user, case, kind), size).get_page(number)
    if page.object_list:
        log_reads(user, list(page.object_list), purpose=purpose, workspace_field=IN_CASE)
    return page


def count_records(case: CaseReview, user: Person) -> dict[str, int]:
    """How many records of each kind the case holds (numbers only: nothing is read)."""
    counts = {}
    for kind, spec in RECORD_KINDS.items():
        counts[kind] = restricted_for_user(
            spec.model._default_manager.filter(case=case), user=user, workspace_field=IN_CASE
        ).count()
    return counts


def record_for(user: Person, case: CaseReview, kind: str, pk: Any, *, purpose: str) -> Any:
    """One record of the case, for a member; Http404 for anyone else or another case's."""
    model = RECORD_KINDS[kind].model
    return get_restricted_or_404(
        model._default_manager.filter(case=case).select_related("case__workspace"),
        user=user,
        pk=pk,
        purpose=purpose,
        workspace_field=IN_CASE,
    )


def key_list(user: Person, case: CaseReview, *, purpose: str) -> list[CaseSubject]:
    subjects = list(restricted_for_user(case.subjects.all(), user=user, workspace_field=IN_CASE))
    if subjects:
        log_reads(user, subjects, purpose=purpose, workspace_field=IN_CASE)
    return subjects


def subject_for(user: Person, case: CaseReview, pk: Any, *, purpose: str) -> CaseSubject:
    subject: CaseSubject = get_restricted_or_404(
        CaseSubject.objects.filter(case=case).select_related("case__workspace"),
        user=user,
        pk=pk,
        purpose=purpose,
        workspace_field=IN_CASE,
    )
    return subject


IN_CHECK = "publication_check__case__workspace"


def latest_check(user: Person, case: CaseReview) -> tuple[PublicationCheck | None, list[Any]]:
    """The case's latest re-identification check and what it found (reads logged)."""
    check = (
        restricted_for_user(case.checks.all(), user=user, workspace_field=IN_CASE)
        .order_by("-checked_at", "-id")
        .first()
    )
    if check is None:
        return None, []
    hits = list(
        restricted_for_user(check.hits.all(), user=user, workspace_field=IN_CHECK).select_related(
            "publication_check__case"
        )
    )
    log_reads(user, [check], purpose="prepare publication", workspace_field=IN_CASE)
    if hits:
        log_reads(user, hits, purpose="prepare publication", workspace_field=IN_CHECK)
    return check, hits


def hit_for(user: Person, case: CaseReview, pk: Any) -> IdentificationHit:
    hit: IdentificationHit = get_restricted_or_404(
        IdentificationHit.objects.filter(publication_check__case=case).select_related(
            "publication_check__case__workspace"
        ),
        user=user,
        pk=pk,
        purpose="accept a detail in the draft",
        workspace_field=IN_CHECK,
    )
    return hit
