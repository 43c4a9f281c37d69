"""Panel meetings (agenda from the cases ready, attendance, decisions), families (key worker,
contact preferences, questions and answers) and the referral to the safeguarding partners."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.cdop import services
from safeguarding.cdop.models import AgendaItem, ChildDeath, Decision
from safeguarding.cdop.services import NO_CASE_REVIEWS, AnalysisInput, FamilyContact
from safeguarding.workspaces import referrals
from safeguarding.workspaces.kinds import register_kind
from safeguarding.workspaces.models import Workspace
from safeguarding.workspaces.services import workspace_create
from tests.cdop.conftest import days_ago
from tests.cdop.test_stages import NO_FACTORS

pytestmark = pytest.mark.django_db


def ready(case: ChildDeath, actor: User) -> ChildDeath:
    services.review_meeting_record(case=case, held_on=days_ago(5), actor=actor)
    services.case_mark_ready(case=case, actor=actor)
    return case


def test_the_agenda_is_built_from_the_cases_ready_that_the_coordinator_can_see(
    make_case: Callable[..., ChildDeath], coordinator: User, make_user: Callable[..., User]
) -> None:
    first = ready(make_case(), coordinator)
    second = ready(make_case(), coordinator)
    make_case()  # not ready
    someone_else = make_user(Role.CDOP_COORDINATOR)
    ready(make_case(actor=someone_else), someone_else)  # ready, but not a member
    meeting = services.meeting_create(held_on=days_ago(-7), location="Room 1", actor=coordinator)

    assert services.meeting_build_agenda(meeting=meeting, actor=coordinator) == 2
    assert [item.case for item in meeting.items.all()] == [first, second]
    # Built again: nothing is added twice, and a case waiting on one agenda is on no other.
    assert services.meeting_build_agenda(meeting=meeting, actor=coordinator) == 0
    later = services.meeting_create(held_on=days_ago(-30), location="", actor=coordinator)
    assert services.meeting_build_agenda(meeting=later, actor=coordinator) == 0


def test_attendance_and_decisions_are_recorded(case: ChildDeath, coordinator: User) -> None:
    ready(case, coordinator)
    meeting = services.meeting_create(held_on=days_ago(0), location="", actor=coordinator)
    services.meeting_build_agenda(meeting=meeting, actor=coordinator)
    services.attendance_record(
        meeting=meeting,
        name="Invented Chair",
        organisation="Invented Council",
        role="Chair",
        present=True,
        actor=coordinator,
    )
    item = AgendaItem.objects.get(meeting=meeting)
    with pytest.raises(ValidationError) as refused:
        services.agenda_decide(item=item, decision=Decision.REVIEWED, notes="", actor=coordinator)
    assert "Complete the analysis" in refused.value.message_dict["decision"][0]
    services.analysis_save(
        case=case,
        data=AnalysisInput(category="9", domains=NO_FACTORS),
        actor=coordinator,
        complete=True,
    )

    services.agenda_decide(
        item=item, decision=Decision.REVIEWED, notes="Invented notes", actor=coordinator
    )

    item.refresh_from_db()
    assert (item.decision, item.decided_by) == (Decision.REVIEWED, coordinator)
    assert meeting.attendance.get().present


def test_a_family_has_a_key_worker_contact_preferences_and_answered_questions(
    case: ChildDeath, coordinator: User
) -> None:
    services.key_worker_set(
        case=case, name="Invented Nurse", role="Key worker", contact="01234", actor=coordinator
    )
    with pytest.raises(ValidationError) as refused:
        services.family_member_add(
            case=case,
            contact=FamilyContact(
                name="Invented Parent", relationship="Mother", contact_preference="email"
            ),
            actor=coordinator,
        )
    assert "email" in refused.value.message_dict
    parent = services.family_member_add(
        case=case,
        contact=FamilyContact(
            name="Invented Parent",
            relationship="Mother",
            contact_preference="email",
            email="Parent@Example.org",
        ),
        actor=coordinator,
    )
    question = services.family_question_add(
        case=case,
        question="Invented question?",
        asked_on=days_ago(3),
        asked_by=parent,
        actor=coordinator,
    )
    with pytest.raises(ValidationError):
        services.family_question_answer(
            question=question, answer="Invented", answered_on=days_ago(4), actor=coordinator
        )

    services.family_question_answer(
        question=question, answer="Invented answer", answered_on=days_ago(1), actor=coordinator
    )

    question.refresh_from_db()
    assert question.answer == "Invented answer"
    assert case.key_worker.name == "Invented Nurse"
    assert parent.email == "parent@example.org"


def test_a_referral_without_the_case_review_service_says_so_and_changes_nothing(
    case: ChildDeath, coordinator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(referrals, "_targets", {})
    with pytest.raises(ValidationError) as refused:
        services.case_refer(case=case, reason="Invented concern", actor=coordinator)
    assert refused.value.messages == [NO_CASE_REVIEWS]
    case.refresh_from_db()
    assert case.referred_to is None


@pytest.fixture
def case_review_target(monkeypatch: pytest.MonkeyPatch) -> list[referrals.Referral]:
    register_kind("test_case_review", "Test case review")
    received: list[referrals.Referral] = []

    def open_notification(referral: referrals.Referral) -> Workspace:
        received.append(referral)
        return workspace_create(
            kind="test_case_review",
            title="Serious incident",
            lead=referral.actor,
            actor=referral.actor,
        )

    monkeypatch.setattr(referrals, "_targets", {"case_review": open_notification})
    return received


def test_a_referral_opens_a_case_review_linked_both_ways(
    case: ChildDeath, coordinator: User, case_review_target: list[referrals.Referral]
) -> None:
    opened = services.case_refer(case=case, reason="Invented concern", actor=coordinator)

    case.refresh_from_db()
    assert case.referred_to == opened
    (referral,) = case_review_target
    assert referral.from_workspace == case.workspace
    assert referral.child.full_name == "Invented Child"
    with pytest.raises(ValidationError, match="already been referred"):
        services.case_refer(case=case, reason="Again", actor=coordinator)
