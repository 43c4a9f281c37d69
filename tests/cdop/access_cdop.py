"""Access table entries for the child death review pages (see tests/access.py).

Any member of staff may see the dashboard (it lists only the reviews they are a member of);
only a CDOP coordinator records notifications, sees the online ones waiting and arranges
panel meetings. Every page of a review answers 404 to every role, administrators included,
because no role opens a review: only membership of its workspace does. Inside (``members``),
leads and members work on the review, reviewers read it, and only leads close it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.cdop import services
from safeguarding.cdop.models import ChildDeath
from safeguarding.cdop.scope import BirthOutcome
from safeguarding.cdop.services import ChildDetails, Notifier
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import MembershipRole
from tests.access import Access, only
from tests.factories import UserFactory

NOT_A_MEMBER = dict.fromkeys(ALL_ROLES, 404)
SECRETARIAT = only(Role.CDOP_COORDINATOR)
LEAD, MEMBER, REVIEWER = (str(role) for role in MembershipRole)
EVERY_MEMBER = {LEAD: 200, MEMBER: 200, REVIEWER: 200}
WRITERS = {LEAD: 200, MEMBER: 200, REVIEWER: 403}
LEADS = {LEAD: 200, MEMBER: 403, REVIEWER: 403}

Extra = Callable[[ChildDeath, User], dict[str, Any]]


def invented_child() -> ChildDetails:
    died = timezone.localdate() - timedelta(days=30)
    return ChildDetails(
        name="Invented Child",
        date_of_birth=died - timedelta(days=3 * 365),
        date_of_death=died,
        birth_outcome=BirthOutcome.LIVE_BIRTH,
        unexpected=True,
        resident_in_area=True,
        died_in_area=True,
    )


NOTIFIER = Notifier(name="Dr Invented", organisation="Invented Hospital")


def a_case(user: User | None = None, role: str | None = None) -> ChildDeath:
    """An unexpected death notified by a coordinator, who leads it (or ``user``, for "lead"),
    with ``user`` (if given) a member in ``role``."""
    lead = user if user is not None and role == LEAD else UserFactory()
    case = services.notify_death(child=invented_child(), notifier=NOTIFIER, actor=lead).case
    if user is not None and role is not None and role != LEAD:
        workspace_services.membership_grant(
            workspace=case.workspace,
            user=user,
            role=MembershipRole(role),
            reason="Invented: on the panel",
            actor=lead,
        )
    return case


def a_question(case: ChildDeath, lead: User) -> dict[str, Any]:
    question = services.family_question_add(
        case=case,
        question="Invented: could anything have been done?",
        asked_on=timezone.localdate(),
        asked_by=None,
        actor=lead,
    )
    return {"item": question.pk}


def on_an_agenda(case: ChildDeath, lead: User) -> dict[str, Any]:
    services.review_meeting_record(case=case, held_on=timezone.localdate(), actor=lead)
    services.case_mark_ready(case=case, actor=lead)
    meeting = services.meeting_create(held_on=timezone.localdate(), location="", actor=lead)
    services.meeting_build_agenda(meeting=meeting, actor=lead)
    return {"pk": meeting.pk, "item": meeting.items.get().pk}


def _page(*, members: dict[str, int], extra: Extra | None = None) -> Access:
    def in_case(user: User | None = None, role: str | None = None) -> dict[str, Any]:
        case = a_case(user, role)
        lead = user if role == LEAD and user is not None else case.opened_by
        return {"pk": case.pk, **(extra(case, lead) if extra else {})}

    return Access(make_kwargs=in_case, roles=NOT_A_MEMBER, in_workspace=in_case, members=members)


def an_online_notification() -> dict[str, Any]:
    notification = services.notify_death_online(child=invented_child(), notifier=NOTIFIER)
    return {"pk": notification.pk}


def a_meeting() -> dict[str, Any]:
    meeting = services.meeting_create(
        held_on=timezone.localdate() + timedelta(days=7), location="", actor=UserFactory()
    )
    return {"pk": meeting.pk}


ACCESS: dict[str, Access] = {
    "cdop:dashboard": Access(),
    "cdop:staff_notify": Access(roles=SECRETARIAT),
    "cdop:inbox": Access(roles=SECRETARIAT),
    "cdop:notification": Access(roles=SECRETARIAT, make_kwargs=an_online_notification),
    "cdop:notification_discard": Access(roles=SECRETARIAT, make_kwargs=an_online_notification),
    "cdop:meetings": Access(roles=SECRETARIAT),
    "cdop:meeting_new": Access(roles=SECRETARIAT),
    "cdop:meeting": Access(roles=SECRETARIAT, make_kwargs=a_meeting),
    "cdop:meeting_agenda": Access(roles=SECRETARIAT, make_kwargs=a_meeting),
    "cdop:meeting_attendance": Access(roles=SECRETARIAT, make_kwargs=a_meeting),
    "cdop:case": _page(members=EVERY_MEMBER),
    "cdop:joint_agency_response": _page(members=WRITERS),
    "cdop:review_meeting": _page(members=WRITERS),
    "cdop:ready": _page(members=WRITERS),
    "cdop:analysis": _page(members=WRITERS),
    "cdop:analysis_reopen": _page(members=WRITERS),
    "cdop:action_add": _page(members=WRITERS),
    "cdop:close": _page(members=LEADS),
    "cdop:ncmd_sent": _page(members=WRITERS),
    "cdop:refer": _page(members=WRITERS),
    "cdop:key_worker": _page(members=WRITERS),
    "cdop:family_add": _page(members=WRITERS),
    "cdop:question_add": _page(members=WRITERS),
    "cdop:question_answer": _page(members=WRITERS, extra=a_question),
    "cdop:agenda_decide": _page(members=WRITERS, extra=on_an_agenda),
}
