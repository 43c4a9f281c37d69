from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.casereviews import services
from safeguarding.casereviews.models import CaseReview, Outcome
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import Membership, MembershipRole

MakeCase = Callable[..., CaseReview]


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(Role.REVIEW_OFFICER)


@pytest.fixture
def make_case(officer: User) -> MakeCase:
    counter = iter(range(1, 10_000))

    def make(*, lead: User | None = None, reference: str = "") -> CaseReview:
        return services.case_open(
            reference=reference or f"CR 2026-{next(counter):02d}",
            summary="Invented: a serious incident",
            actor=lead or officer,
        )

    return make


@pytest.fixture
def case(make_case: MakeCase) -> CaseReview:
    return make_case()


@pytest.fixture
def join(officer: User) -> Callable[..., Membership]:
    """Give someone access to a case, granted by the officer who leads it."""

    def give(
        case: CaseReview, user: User, role: MembershipRole = MembershipRole.MEMBER
    ) -> Membership:
        return workspace_services.membership_grant(
            workspace=case.workspace,
            user=user,
            role=role,
            reason="Panel member for this review",
            actor=officer,
        )

    return give


@pytest.fixture
def member(case: CaseReview, make_user: Callable[..., User], join) -> User:
    user = make_user(Role.REVIEW_PANEL_MEMBER)
    join(case, user)
    return user


def notify(
    case: CaseReview,
    actor: User,
    *,
    aware_on: date,
    notified_on: date | None = None,
    **fields: object,
) -> None:
    services.notification_record(
        case=case,
        fields={
            "outcome": Outcome.SERIOUS_HARM,
            "aware_on": aware_on,
            "notified_on": notified_on,
            **fields,
        },
        actor=actor,
    )
