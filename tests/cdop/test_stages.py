"""The stages of a review, each with its day and who recorded it; members only; a closed
review changes no more."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.cdop import services
from safeguarding.cdop.models import Agency, ChildDeath, Stage, StageRecord
from safeguarding.cdop.services import AnalysisInput, DomainFinding
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.services import membership_grant
from tests.cdop.conftest import days_ago

pytestmark = pytest.mark.django_db

NO_FACTORS = {
    domain: DomainFinding("1") for domain in ("child", "parenting", "environment", "services")
}


def reviewed(case: ChildDeath, actor: User) -> ChildDeath:
    services.review_meeting_record(case=case, held_on=days_ago(5), actor=actor)
    services.case_mark_ready(case=case, actor=actor)
    services.analysis_save(
        case=case,
        data=AnalysisInput(category="5", domains=NO_FACTORS),
        actor=actor,
        complete=True,
    )
    case.refresh_from_db()
    return case


def test_a_joint_agency_response_is_recorded_for_an_unexpected_death(
    case: ChildDeath, coordinator: User
) -> None:
    response = services.jar_record(
        case=case,
        started_on=days_ago(29),
        agencies=[Agency.POLICE, Agency.HEALTH],
        notes="Invented notes",
        actor=coordinator,
    )
    case.refresh_from_db()
    assert case.stage == Stage.JOINT_AGENCY_RESPONSE
    assert response.agencies == ["health", "police"]
    record = StageRecord.objects.get(case=case, stage=Stage.JOINT_AGENCY_RESPONSE)
    assert (record.on, record.recorded_by) == (days_ago(29), coordinator)


def test_no_joint_agency_response_for_an_expected_death(
    make_case: Callable[..., ChildDeath], coordinator: User
) -> None:
    case = make_case(unexpected=False)
    with pytest.raises(ValidationError, match="only held for unexpected deaths"):
        services.jar_record(
            case=case, started_on=days_ago(29), agencies=["police"], notes="", actor=coordinator
        )


def test_a_joint_agency_response_before_the_death_is_refused(
    case: ChildDeath, coordinator: User
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.jar_record(
            case=case, started_on=days_ago(40), agencies=["police"], notes="", actor=coordinator
        )
    assert "on or after the date of death" in refused.value.message_dict["started_on"][0]


def test_an_outsider_cannot_change_a_review_even_an_administrator(
    case: ChildDeath, make_user: Callable[..., User]
) -> None:
    for outsider in (make_user(Role.CDOP_COORDINATOR), make_user(Role.PARTNERSHIP_ADMINISTRATOR)):
        with pytest.raises(Http404):
            services.review_meeting_record(case=case, held_on=days_ago(1), actor=outsider)
    assert not StageRecord.objects.filter(stage=Stage.REVIEW_MEETING).exists()


def test_a_member_can_record_stages(
    case: ChildDeath, coordinator: User, make_user: Callable[..., User]
) -> None:
    member = make_user()
    membership_grant(
        workspace=case.workspace,
        user=member,
        role=MembershipRole.MEMBER,
        reason="Panel member",
        actor=coordinator,
    )
    services.review_meeting_record(case=case, held_on=days_ago(2), actor=member)
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW_MEETING


def test_a_case_goes_to_the_panel_only_after_the_review_meeting(
    case: ChildDeath, coordinator: User
) -> None:
    with pytest.raises(ValidationError, match="review meeting"):
        services.case_mark_ready(case=case, actor=coordinator)
    services.review_meeting_record(case=case, held_on=days_ago(2), actor=coordinator)
    services.case_mark_ready(case=case, actor=coordinator)
    case.refresh_from_db()
    assert case.stage == Stage.READY_FOR_PANEL


def test_an_earlier_stage_recorded_late_does_not_move_the_case_back(
    case: ChildDeath, coordinator: User
) -> None:
    services.review_meeting_record(case=case, held_on=days_ago(2), actor=coordinator)
    services.jar_record(
        case=case, started_on=days_ago(29), agencies=["police"], notes="", actor=coordinator
    )
    case.refresh_from_db()
    assert case.stage == Stage.REVIEW_MEETING


def test_closing_needs_the_panels_analysis_and_a_lead(
    case: ChildDeath, coordinator: User, make_user: Callable[..., User]
) -> None:
    with pytest.raises(ValidationError, match="panel has completed"):
        services.case_close(case=case, actor=coordinator)
    member = make_user()
    membership_grant(
        workspace=case.workspace,
        user=member,
        role=MembershipRole.MEMBER,
        reason="Panel member",
        actor=coordinator,
    )
    case = reviewed(case, coordinator)
    with pytest.raises(PermissionDenied):
        services.case_close(case=case, actor=member)

    services.case_close(case=case, actor=coordinator)

    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.closed_at is not None
    assert case.workspace.is_closed
    with pytest.raises(ValidationError, match="closed"):
        services.review_meeting_record(case=case, held_on=days_ago(1), actor=coordinator)


def test_the_day_sent_to_ncmd_is_recorded_once_closed(case: ChildDeath, coordinator: User) -> None:
    with pytest.raises(ValidationError, match="Close the case"):
        services.ncmd_sent_record(case=case, sent_on=days_ago(0), actor=coordinator)
    case = reviewed(case, coordinator)
    services.case_close(case=case, actor=coordinator)
    with pytest.raises(ValidationError):
        services.ncmd_sent_record(case=case, sent_on=days_ago(3), actor=coordinator)

    services.ncmd_sent_record(case=case, sent_on=days_ago(0), actor=coordinator)

    case.refresh_from_db()
    assert (case.ncmd_sent_on, case.ncmd_sent_by) == (days_ago(0), coordinator)
