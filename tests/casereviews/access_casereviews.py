"""Access table entries for the case review pages (see tests/access.py).

Any member of staff may see the dashboard (it lists only the cases they are a member of);
only a review officer may open a case, and review officers and administrators see the yearly
figures. Every page of a case answers 404 to every role, administrators included, because no
role opens a case: only membership of its workspace does. Inside (``members``), leads and
members work on the case, reviewers read it, and only leads close it and publish.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.casereviews import publication, services
from safeguarding.casereviews.models import CaseReview
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import MembershipRole
from tests.access import Access, only
from tests.factories import UserFactory

NOT_A_MEMBER = dict.fromkeys(ALL_ROLES, 404)
FIGURES = only(Role.REVIEW_OFFICER, Role.PARTNERSHIP_ADMINISTRATOR)
LEAD, MEMBER, REVIEWER = (str(role) for role in MembershipRole)
EVERY_MEMBER = {LEAD: 200, MEMBER: 200, REVIEWER: 200}
WRITERS = {LEAD: 200, MEMBER: 200, REVIEWER: 403}
LEADS = {LEAD: 200, MEMBER: 403, REVIEWER: 403}

Extra = Callable[[CaseReview, User], dict[str, Any]]


def a_case(user: User | None = None, role: str | None = None) -> CaseReview:
    """A case at the practice review stage, led by a new review officer, with ``user`` (if
    given) a member in ``role``."""
    officer = UserFactory(roles=[str(Role.REVIEW_OFFICER)])
    case = services.case_open(reference=f"CR {officer.pk}", summary="Invented", actor=officer)
    today = timezone.localdate()
    services.notification_record(
        case=case,
        fields={
            "outcome": "died",
            "aware_on": today - timedelta(days=30),
            "notified_on": today - timedelta(days=28),
            "looked_after": False,
        },
        actor=officer,
    )
    services.rapid_review_start(case=case, started_on=today - timedelta(days=27), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision="local_review",
        reasons="Invented",
        decided_on=today - timedelta(days=10),
        actor=officer,
    )
    services.practice_review_start(
        case=case, kind="lcspr", decided_on=today - timedelta(days=5), actor=officer
    )
    if user is not None and role is not None:
        workspace_services.membership_grant(
            workspace=case.workspace,
            user=user,
            role=MembershipRole(role),
            reason="Invented: on the panel",
            actor=officer,
        )
    return case


def a_subject(case: CaseReview, officer: User) -> dict[str, Any]:
    subject = services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={"role": "child", "full_name": "Invented Name"},
        actor=officer,
    )
    return {"item": subject.pk}


def a_record(case: CaseReview, officer: User) -> dict[str, Any]:
    record = services.record_add(
        case=case, kind="recommendations", fields={"text": "Invented"}, actor=officer
    )
    return {"kind": "recommendations", "item": record.pk}


def a_hit(case: CaseReview, officer: User) -> dict[str, Any]:
    a_subject(case, officer)
    check = publication.publication_check_run(case=case, actor=officer, text="Invented Name")
    return {"item": check.hits.first().pk}  # type: ignore[union-attr]


def _page(*, members: dict[str, int], extra: Extra | None = None, **fixed: Any) -> Access:
    def in_case(user: User | None = None, role: str | None = None) -> dict[str, Any]:
        case = a_case(user, role)
        return {"pk": case.pk, **fixed, **(extra(case, case.opened_by) if extra else {})}

    return Access(make_kwargs=in_case, roles=NOT_A_MEMBER, in_workspace=in_case, members=members)


ACCESS: dict[str, Access] = {
    "casereviews:staff_home": Access(),
    "casereviews:staff_open": Access(roles=only(Role.REVIEW_OFFICER)),
    "casereviews:staff_figures": Access(roles=FIGURES),
    "casereviews:staff_figures_csv": Access(roles=FIGURES),
    "casereviews:staff_case": _page(members=EVERY_MEMBER),
    "casereviews:staff_close": _page(members=LEADS),
    "casereviews:staff_notification": _page(members=WRITERS),
    "casereviews:staff_rapid_review_start": _page(members=WRITERS),
    "casereviews:staff_rapid_review": _page(members=WRITERS),
    "casereviews:staff_rapid_review_decision": _page(members=WRITERS),
    "casereviews:staff_practice_review_start": _page(members=WRITERS),
    "casereviews:staff_practice_review": _page(members=WRITERS),
    "casereviews:staff_subject_add": _page(members=WRITERS),
    "casereviews:staff_subject_edit": _page(members=WRITERS, extra=a_subject),
    "casereviews:staff_records": _page(members=EVERY_MEMBER, kind="chronology"),
    "casereviews:staff_record_add": _page(members=WRITERS, kind="meetings"),
    "casereviews:staff_record_edit": _page(members=WRITERS, extra=a_record),
    "casereviews:staff_publication": _page(members=EVERY_MEMBER),
    "casereviews:staff_publication_check": _page(members=WRITERS),
    "casereviews:staff_publication_accept": _page(members=WRITERS, extra=a_hit),
    "casereviews:staff_publish": _page(members=LEADS),
    "casereviews:staff_not_published": _page(members=LEADS),
}
