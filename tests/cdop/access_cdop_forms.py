"""Access table entries for the reporting-form pages of child death reviews (see
tests/access.py). Every page belongs to a case, so every role, administrators included, gets
404: no role opens a case, only membership of its workspace does. Inside (``members``), leads
and members ask for forms, send links again and withdraw requests; reviewers read.

The agency's page behind its emailed link and the public notification form are not under
``staff/``: tests/fuzzing.py builds the link (``LINKS``), and test_reporting_pages.py and
test_public_notification.py try them without an account."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.cdop import reporting, services
from safeguarding.cdop.models import ChildDeath, ReportingForm
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import MembershipRole
from tests.access import Access
from tests.cdop.conftest import NOTIFIER, child_details
from tests.cdop.reporting_helpers import GP, every_answer
from tests.factories import UserFactory

NOT_A_MEMBER = dict.fromkeys(ALL_ROLES, 404)
LEAD, MEMBER, REVIEWER = (str(role) for role in MembershipRole)
EVERY_MEMBER = {LEAD: 200, MEMBER: 200, REVIEWER: 200}
WRITERS = {LEAD: 200, MEMBER: 200, REVIEWER: 403}
WRITERS_ACT = {LEAD: 302, MEMBER: 302, REVIEWER: 403}

Extra = Callable[[ChildDeath, User], dict[str, Any]]


def a_case(user: User | None = None, role: str | None = None) -> tuple[ChildDeath, User]:
    """A case a new coordinator leads, with ``user`` (if given) in ``role`` (its lead, for
    "lead": the coordinator then stays a lead too)."""
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    case = services.notify_death(
        child=child_details(nhs_number=""), notifier=NOTIFIER, actor=coordinator
    ).case
    if user is not None and role is not None:
        workspace_services.membership_grant(
            workspace=case.workspace,
            user=user,
            role=MembershipRole(role),
            reason="Invented: the secretariat",
            actor=coordinator,
        )
    return case, coordinator


def a_form(case: ChildDeath, coordinator: User) -> dict[str, Any]:
    form = reporting.reporting_form_request(
        case=case, kind="reporting", professional=GP, actor=coordinator
    )
    return {"form": form.pk}


def a_returned_form(case: ChildDeath, coordinator: User) -> dict[str, Any]:
    kwargs = a_form(case, coordinator)
    token = reporting.reporting_link_issue(form_id=kwargs["form"])
    assert token is not None
    reporting.reporting_form_save(token=token, answers=every_answer(), submit=True)
    assert ReportingForm.objects.get(pk=kwargs["form"]).submitted_at is not None
    return kwargs


def _page(*, members: dict[str, int], extra: Extra | None = None, method: str = "get") -> Access:
    def in_case(user: User | None = None, role: str | None = None) -> dict[str, Any]:
        case, coordinator = a_case(user, role)
        return {"pk": case.pk, **(extra(case, coordinator) if extra else {})}

    return Access(
        method=method,
        make_kwargs=in_case,
        roles=NOT_A_MEMBER,
        in_workspace=in_case,
        members=members,
    )


ACCESS: dict[str, Access] = {
    "cdop:reporting_forms": _page(members=EVERY_MEMBER),
    "cdop:reporting_form_request": _page(members=WRITERS),
    "cdop:reporting_form_answers": _page(members=EVERY_MEMBER, extra=a_returned_form),
    "cdop:reporting_form_resend": _page(members=WRITERS_ACT, extra=a_form, method="post"),
    "cdop:reporting_form_withdraw": _page(members=WRITERS, extra=a_form),
}
