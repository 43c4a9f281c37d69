"""Access table entries for the case review pages (see tests/access.py).

Any member of staff may see the dashboard (it lists only the cases they are a member of);
only a review officer may open a case. Every page of a case answers 404 to every persona
here, administrators included, because none of them is a member of the case: no role opens
a case. Members, reviewers and leads are tried in test_staff_pages.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.casereviews import services
from safeguarding.casereviews.models import Outcome, PracticeReviewKind, RapidReviewDecision
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import MembershipRole
from tests.access import Access, only
from tests.factories import UserFactory

NOT_A_MEMBER = dict.fromkeys(ALL_ROLES, 404)
AWARE = date(2026, 11, 2)  # a Monday
FIGURES = only(Role.REVIEW_OFFICER, Role.PARTNERSHIP_ADMINISTRATOR)


def a_case() -> Any:
    officer = UserFactory(roles=[str(Role.REVIEW_OFFICER)])
    return services.case_open(reference=f"CR {officer.pk}", summary="Invented", actor=officer)


def case_with(user: User | None = None, role: str | None = None, *, stage: str = "") -> Any:
    """A new case led by a review officer, with ``user`` (if given) in ``role`` (a second lead
    for "lead"), taken to ``stage``: "rapid review" (notified and started) or "practice
    review" (decided on and started)."""
    case = a_case()
    lead = case.opened_by
    if user is not None and role is not None:
        workspace_services.membership_grant(
            workspace=case.workspace,
            user=user,
            role=MembershipRole(role),
            reason="Panel member for this review",
            actor=lead,
        )
    if stage:
        services.notification_record(
            case=case,
            fields={"outcome": Outcome.SERIOUS_HARM, "aware_on": AWARE, "notified_on": AWARE},
            actor=lead,
        )
        services.rapid_review_start(case=case, started_on=AWARE, actor=lead)
    if stage == "practice review":
        services.rapid_review_decide(
            case=case,
            decision=RapidReviewDecision.LOCAL_REVIEW,
            reasons="Invented reasons",
            decided_on=AWARE,
            actor=lead,
        )
        services.practice_review_start(
            case=case, kind=PracticeReviewKind.LCSPR, decided_on=AWARE, actor=lead
        )
    return case


def _page(
    members: dict[str, int],
    *,
    stage: str = "",
    extra: Callable[[Any], dict[str, Any]] | None = None,
    **kwargs: Any,
) -> Access:
    """A page of a case: 404 for every role outside it, ``members`` for each membership role."""

    def in_workspace(user: User | None = None, role: str | None = None) -> dict[str, Any]:
        case = case_with(user, role, stage=stage)
        return {"pk": case.pk, **kwargs, **(extra(case) if extra else {})}

    return Access(
        roles=NOT_A_MEMBER, make_kwargs=in_workspace, in_workspace=in_workspace, members=members
    )


def _subject(case: Any) -> dict[str, Any]:
    subject = services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={"role": "child", "full_name": "Invented Name"},
        actor=case.opened_by,
    )
    return {"item": subject.pk}


def _record(case: Any) -> dict[str, Any]:
    record = services.record_add(
        case=case, kind="recommendations", fields={"text": "Invented"}, actor=case.opened_by
    )
    return {"item": record.pk}


LEAD, MEMBER, REVIEWER = (str(role) for role in MembershipRole)
EVERY_MEMBER = {LEAD: 200, MEMBER: 200, REVIEWER: 200}
WRITERS = {LEAD: 200, MEMBER: 200, REVIEWER: 403}
LEADS = {LEAD: 200, MEMBER: 403, REVIEWER: 403}

ACCESS: dict[str, Access] = {
    "casereviews:staff_home": Access(),
    "casereviews:staff_open": Access(roles=only(Role.REVIEW_OFFICER)),
    "casereviews:staff_figures": Access(roles=FIGURES),
    "casereviews:staff_figures_csv": Access(roles=FIGURES),
    "casereviews:staff_case": _page(EVERY_MEMBER),
    "casereviews:staff_close": _page(LEADS),
    "casereviews:staff_notification": _page(WRITERS),
    "casereviews:staff_rapid_review_start": _page(WRITERS),
    "casereviews:staff_rapid_review": _page(WRITERS, stage="rapid review"),
    "casereviews:staff_rapid_review_decision": _page(WRITERS, stage="rapid review"),
    "casereviews:staff_practice_review_start": _page(WRITERS, stage="rapid review"),
    "casereviews:staff_practice_review": _page(WRITERS, stage="practice review"),
    "casereviews:staff_subject_add": _page(WRITERS),
    "casereviews:staff_subject_edit": _page(WRITERS, extra=_subject),
    "casereviews:staff_records": _page(EVERY_MEMBER, kind="chronology"),
    "casereviews:staff_record_add": _page(WRITERS, kind="meetings"),
    "casereviews:staff_record_edit": _page(WRITERS, kind="recommendations", extra=_record),
}
