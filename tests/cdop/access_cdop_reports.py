"""Access table entries for the child death review downloads (see tests/access.py), and the
invented cases the tests of those downloads use.

The NCMD export of a case answers 404 to every role, administrators included (only
membership of the case's workspace opens it); inside, its leads and members download it and
a reviewer is refused. The yearly statistics are for the CDOP coordinator's role. A
meeting's papers answer 404 to anyone who is a member of no case on its agenda; every kind
of member of a case on it gets the papers.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.cdop import services
from safeguarding.cdop.models import (
    ChildDeath,
    Contribution,
    Domain,
    FormKind,
    PanelMeeting,
    ReportingForm,
)
from safeguarding.cdop.services import AnalysisInput, DomainFinding
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import MembershipRole
from tests.access import Access, only
from tests.cdop.conftest import NOTIFIER, child_details
from tests.factories import UserFactory

NOT_A_MEMBER = dict.fromkeys(ALL_ROLES, 404)
LEAD, MEMBER, REVIEWER = (str(role) for role in MembershipRole)
EVERY_MEMBER = {LEAD: 200, MEMBER: 200, REVIEWER: 200}
WRITERS = {LEAD: 200, MEMBER: 200, REVIEWER: 403}

COMPLETE = AnalysisInput(
    category="9",
    summary="Invented summary of the death.",
    learning="Invented learning: earlier antibiotics.",
    domains={
        Domain.CHILD: DomainFinding(Contribution.MAY_HAVE, "Invented child factor", True),
        Domain.PARENTING: DomainFinding(Contribution.NONE),
        Domain.ENVIRONMENT: DomainFinding(Contribution.UNLIKELY, "Invented housing factor"),
        Domain.SERVICES: DomainFinding(Contribution.NOT_AVAILABLE),
    },
)


def add_member(case: ChildDeath, user: User, role: str) -> None:
    workspace_services.membership_grant(
        workspace=case.workspace,
        user=user,
        role=MembershipRole(role),
        reason="Invented: on the panel",
        actor=case.opened_by,
    )


def add_forms(case: ChildDeath, *, requested: int, returned: int) -> None:
    now = timezone.now()
    for number in range(requested):
        submitted = number < returned
        ReportingForm.objects.create(
            case=case,
            kind=FormKind.REPORTING,
            agency=f"Invented agency {number}",
            professional_name="Invented Professional",
            professional_email="professional@example.org",
            requested_by=case.opened_by,
            due_on=timezone.localdate() + timedelta(days=7),
            nonce="" if submitted else f"invented-nonce-{case.pk}-{number}",
            link_expires_at=now + timedelta(days=30),
            submitted_at=now if submitted else None,
        )


def ready_case(coordinator: User | None = None, **changes: Any) -> ChildDeath:
    """A case ready for the panel, led by a new CDOP coordinator, its review meeting held."""
    coordinator = coordinator or UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    changes.setdefault("nhs_number", "")
    case = services.notify_death(
        child=child_details(**changes), notifier=NOTIFIER, actor=coordinator
    ).case
    services.review_meeting_record(
        case=case, held_on=timezone.localdate() - timedelta(days=1), actor=coordinator
    )
    return services.case_mark_ready(case=case, actor=coordinator)


def reviewed_case(
    coordinator: User | None = None, *, analysis: AnalysisInput = COMPLETE, **changes: Any
) -> ChildDeath:
    case = ready_case(coordinator, **changes)
    services.analysis_save(case=case, data=analysis, actor=case.opened_by, complete=True)
    case.refresh_from_db()
    return case


def closed_case(
    coordinator: User | None = None,
    *,
    members: tuple[tuple[User, str], ...] = (),
    **changes: Any,
) -> ChildDeath:
    """A closed case: reviewed by the panel (category 9, modifiable factors), two of three
    reporting forms returned; ``members`` (user, membership role) were added before it
    closed."""
    case = reviewed_case(coordinator, **changes)
    for user, role in members:
        add_member(case, user, role)
    add_forms(case, requested=3, returned=2)
    services.case_close(case=case, actor=case.opened_by)
    case.refresh_from_db()
    return case


def meeting_with(*cases: ChildDeath) -> PanelMeeting:
    coordinator = cases[0].opened_by
    held_on = timezone.localdate() + timedelta(days=7)
    meeting = services.meeting_create(held_on=held_on, location="Invented Hall", actor=coordinator)
    services.meeting_build_agenda(meeting=meeting, actor=coordinator)
    return meeting


def _closed(user: User | None = None, role: str | None = None) -> dict[str, Any]:
    members = ((user, role),) if user is not None and role is not None else ()
    return {"pk": closed_case(members=members).pk}


def _meeting(user: User | None = None, role: str | None = None) -> dict[str, Any]:
    case = ready_case()
    if user is not None and role is not None:
        add_member(case, user, role)
    return {"pk": meeting_with(case).pk}


def _case_page(maker: Any, members: dict[str, int]) -> Access:
    return Access(make_kwargs=maker, roles=NOT_A_MEMBER, in_workspace=maker, members=members)


REPORT = only(Role.CDOP_COORDINATOR)

ACCESS: dict[str, Access] = {
    "cdop:staff_ncmd": _case_page(_closed, WRITERS),
    "cdop:staff_ncmd_json": _case_page(_closed, WRITERS),
    "cdop:staff_ncmd_csv": _case_page(_closed, WRITERS),
    "cdop:staff_annual_report": Access(roles=REPORT),
    "cdop:staff_annual_report_csv": Access(roles=REPORT),
    "cdop:staff_annual_report_pdf": Access(roles=REPORT),
    "cdop:staff_meeting_papers": _case_page(_meeting, EVERY_MEMBER),
}
