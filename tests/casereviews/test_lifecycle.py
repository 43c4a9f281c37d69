"""The lifecycle rules of a case: who may open one, no rapid review without a notification
sent, a practice review only after the rapid review's decision, members only."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.casereviews import services
from safeguarding.casereviews.models import (
    ActionStatus,
    ChronologyEntry,
    PracticeReviewKind,
    RapidReviewDecision,
    Stage,
)
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.workspaces.models import Membership, MembershipRole
from tests.casereviews.conftest import notify

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 3, 1, 10, tzinfo=LONDON))


def test_a_review_officer_opens_a_case_leads_it_and_the_case_file_is_held(case, officer) -> None:
    assert case.workspace.kind == "case_review"
    assert case.stage == Stage.NOTIFICATION
    lead = Membership.objects.get(workspace=case.workspace)
    assert (lead.user, lead.role) == (officer, MembershipRole.LEAD)
    hold = LegalHold.objects.active().get(object_id=str(case.pk))
    assert hold.content_type.model == "casereview"
    assert "inquiry hold" in hold.reason
    assert AuditEntry.objects.filter(action="casereviews.case.opened").count() == 1


def test_only_a_review_officer_opens_a_case(make_user) -> None:
    for role in (Role.PARTNERSHIP_ADMINISTRATOR, Role.REVIEW_PANEL_MEMBER):
        with pytest.raises(PermissionDenied):
            services.case_open(reference="CR 1", actor=make_user(role))


def test_a_reference_is_used_once(make_case) -> None:
    make_case(reference="CR 2027-01")
    with pytest.raises(ValidationError) as refused:
        make_case(reference="cr  2027-01")
    assert refused.value.message_dict == {
        "reference": ["A case with this reference already exists"]
    }


def test_no_rapid_review_without_a_notification_sent_to_the_panel(case, officer) -> None:
    with pytest.raises(ValidationError, match="notification has been sent"):
        services.rapid_review_start(case=case, started_on=date(2027, 2, 1), actor=officer)
    notify(case, officer, aware_on=date(2027, 1, 25))
    with pytest.raises(ValidationError, match="notification has been sent"):
        services.rapid_review_start(case=case, started_on=date(2027, 2, 1), actor=officer)

    notify(case, officer, aware_on=date(2027, 1, 25), notified_on=date(2027, 1, 28))
    review = services.rapid_review_start(case=case, started_on=date(2027, 2, 1), actor=officer)

    assert review.notification == case.notification
    case.refresh_from_db()
    assert case.stage == Stage.RAPID_REVIEW
    with pytest.raises(ValidationError, match="stays"):
        notify(case, officer, aware_on=date(2027, 1, 25), notified_on=None)


def test_the_notification_dates_must_make_sense(case, officer) -> None:
    with pytest.raises(ValidationError) as refused:
        notify(case, officer, aware_on=date(2027, 3, 2))
    assert refused.value.message_dict == {"aware_on": ["The date must be today or in the past"]}
    with pytest.raises(ValidationError) as refused:
        notify(case, officer, aware_on=date(2027, 2, 2), notified_on=date(2027, 2, 1))
    assert "notified_on" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        notify(case, officer, aware_on=date(2027, 2, 2), ofsted_notified_on=date(2027, 2, 3))
    assert "looked_after" in refused.value.message_dict


def _rapid_review(case, officer, decision: str) -> None:
    notify(case, officer, aware_on=date(2027, 1, 4), notified_on=date(2027, 1, 5))
    services.rapid_review_start(case=case, started_on=date(2027, 1, 6), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision=decision,
        reasons="Invented",
        decided_on=date(2027, 1, 20),
        actor=officer,
    )


def test_a_practice_review_needs_the_rapid_reviews_decision(case, officer) -> None:
    notify(case, officer, aware_on=date(2027, 1, 4), notified_on=date(2027, 1, 5))
    services.rapid_review_start(case=case, started_on=date(2027, 1, 6), actor=officer)
    with pytest.raises(ValidationError, match="follows the rapid review"):
        services.practice_review_start(
            case=case, kind=PracticeReviewKind.LCSPR, decided_on=date(2027, 2, 1), actor=officer
        )
    with pytest.raises(ValidationError, match="Record the decision"):
        services.rapid_review_update(
            case=case, fields={"sent_to_panel_on": date(2027, 1, 21)}, actor=officer
        )


def test_a_local_practice_review_only_after_a_decision_to_hold_one(make_case, officer) -> None:
    no_review = make_case()
    _rapid_review(no_review, officer, RapidReviewDecision.NO_FURTHER_REVIEW)
    with pytest.raises(ValidationError, match="did not decide"):
        services.practice_review_start(
            case=no_review,
            kind=PracticeReviewKind.LCSPR,
            decided_on=date(2027, 2, 1),
            actor=officer,
        )
    learning = services.practice_review_start(
        case=no_review,
        kind=PracticeReviewKind.LEARNING,
        decided_on=date(2027, 2, 1),
        actor=officer,
    )
    assert learning.kind == PracticeReviewKind.LEARNING

    national = make_case()
    _rapid_review(national, officer, RapidReviewDecision.NATIONAL_REVIEW)
    national.refresh_from_db()
    assert national.stage == Stage.NATIONAL_REVIEW


def test_outsiders_administrators_included_change_nothing(case, make_user) -> None:
    administrator = make_user(Role.PARTNERSHIP_ADMINISTRATOR, Role.REVIEW_OFFICER)
    with pytest.raises(Http404):
        services.record_add(
            case=case,
            kind="chronology",
            fields={"occurred_on": date(2027, 1, 1), "agency": "Police", "event": "Invented"},
            actor=administrator,
        )
    assert not ChronologyEntry.objects.exists()


def test_a_reviewer_reads_but_records_nothing(case, make_user, join) -> None:
    reviewer = make_user()
    join(case, reviewer, MembershipRole.REVIEWER)
    with pytest.raises(PermissionDenied):
        services.record_add(
            case=case,
            kind="meetings",
            fields={"kind": "panel", "held_on": date(2027, 2, 1), "attendees": "Invented"},
            actor=reviewer,
        )


def test_a_member_records_the_chronology_encrypted(case, member) -> None:
    entry = services.record_add(
        case=case,
        kind="chronology",
        fields={
            "occurred_on": date(2026, 11, 3),
            "agency": "Health visiting",
            "event": "CANARY-chronology-event seen at home",
            "source": "Health visitor's notes",
        },
        actor=member,
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT event, source FROM casereviews_chronologyentry")
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored)
    assert "CANARY" not in "".join(stored)
    assert ChronologyEntry.objects.get(pk=entry.pk).event == "CANARY-chronology-event seen at home"
    audit = AuditEntry.objects.get(action="casereviews.chronology.recorded")
    assert "CANARY" not in str(audit.details)


def test_each_pseudonym_is_given_once_per_case(case, member) -> None:
    child = services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={"role": "child", "full_name": "Invented Child", "nhs_number": "943 476 5919"},
        actor=member,
    )
    assert child.nhs_lookup
    assert child.name_lookup
    assert child.born_lookup == ""
    with pytest.raises(ValidationError, match="already has this name"):
        services.subject_add(
            case=case,
            pseudonym="child a",
            fields={"role": "sibling", "full_name": "X"},
            actor=member,
        )


def test_an_action_is_dated_when_done_and_reopened_without_a_date(case, member) -> None:
    action = services.record_add(
        case=case,
        kind="actions",
        fields={
            "description": "Invented",
            "owner": "Children's services",
            "due_on": date(2027, 6, 1),
        },
        actor=member,
    )
    assert (action.status, action.completed_on) == (ActionStatus.OPEN, None)
    action = services.record_update(
        record=action, kind="actions", fields={"status": "done"}, actor=member
    )
    assert action.completed_on == date(2027, 3, 1)
    action = services.record_update(
        record=action, kind="actions", fields={"status": "in_progress"}, actor=member
    )
    assert action.completed_on is None


def test_a_closed_case_takes_no_more_records(case, officer, member) -> None:
    with pytest.raises(PermissionDenied):
        services.case_close(case=case, reason="Done", actor=member)
    services.case_close(case=case, reason="Action plan complete", actor=officer)
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.closed_at is not None
    assert case.workspace.is_closed
    with pytest.raises(ValidationError, match="closed"):
        services.record_add(
            case=case,
            kind="decisions",
            fields={"made_on": date(2027, 3, 1), "decision": "x", "reasons": "y"},
            actor=officer,
        )
