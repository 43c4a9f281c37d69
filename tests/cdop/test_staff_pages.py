"""The secretariat's pages for members, reviewers, leads and outsiders (the access table tries
every role as a non-member; here people are members): each page renders for a member and
answers 404 to anyone else, administrators included; refused forms answer 400 with the
GOV.UK error summary; the happy paths change the review and write the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import services
from safeguarding.cdop.models import (
    AgendaItem,
    ChildDeath,
    Decision,
    FamilyMember,
    FamilyQuestion,
    Notification,
    PanelMeeting,
    ReportingForm,
    Stage,
)
from safeguarding.cdop.services import AnalysisInput, FamilyContact
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.kinds import home_url
from safeguarding.workspaces.models import MembershipRole, ReadLog
from tests.cdop.access_cdop import ACCESS
from tests.cdop.conftest import NOTIFIER, OTHER_NHS, VALID_NHS, child_details, days_ago
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
ERROR_SUMMARY = "There is a problem"
NOW = datetime(2027, 3, 1, 10, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 3, 1, 10, tzinfo=LONDON))


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def url(name: str, case: ChildDeath, *args: Any) -> str:
    return reverse(f"cdop:{name}", args=[case.pk, *args])


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def notify_form(**changes: Any) -> dict[str, Any]:
    data = {
        "birth_outcome": "live",
        "name": "Invented Child",
        **date_fields("date_of_birth", date(2023, 1, 10)),
        **date_fields("date_of_death", date(2027, 2, 1)),
        "nhs_number": "943 476 5919",
        "unexpected": "yes",
        "resident_in_area": "yes",
        "died_in_area": "no",
        "notifier_name": "Dr Invented",
        "notifier_organisation": "Invented Hospital",
    }
    data.update(changes)
    return data


@pytest.fixture
def join(coordinator: User) -> Callable[..., None]:
    def give(case: ChildDeath, user: User, role: MembershipRole = MembershipRole.MEMBER) -> None:
        workspace_services.membership_grant(
            workspace=case.workspace,
            user=user,
            role=role,
            reason="Invented: on the panel",
            actor=case.opened_by,
        )

    return give


# --- Notifying a death ---------------------------------------------------------------------------


def test_the_coordinator_notifies_a_death_and_leads_the_new_review(coordinator: User) -> None:
    client = client_for(coordinator)
    assert client.get(reverse("cdop:staff_notify")).status_code == 200

    response = client.post(reverse("cdop:staff_notify"), notify_form())

    case = ChildDeath.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("case", case)
    assert case.nhs_number == VALID_NHS
    assert case.died_in_area is False
    assert audited("cdop.case.opened") == 1
    page = client.get(response["Location"])
    assert "Invented Child" in page.text
    assert f"Review {case.reference} opened" in page.text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_outcome": "stillbirth"}, "does not cover stillbirths"),
        ({"birth_outcome": "termination"}, "does not cover lawful terminations"),
        ({"birth_outcome": ""}, "Select whether the child was born alive"),
        ({"nhs_number": "943 476 5910"}, "NHS number"),
        (date_fields("date_of_birth", date(2005, 1, 1)), "before their 18th birthday"),
        (date_fields("date_of_death", date(2027, 3, 2)), "Date of death must be today or in"),
        ({"date_of_death_1": "13"}, "Date of death must be a real date"),
        ({"resident_in_area": "no"}, "lived in its area or died in it"),
        ({"notifier_name": ""}, "Enter name of the person notifying"),
    ],
)
def test_a_notification_out_of_scope_or_wrong_is_refused_field_by_field(
    coordinator: User, changes: dict[str, Any], message: str
) -> None:
    response = client_for(coordinator).post(reverse("cdop:staff_notify"), notify_form(**changes))

    assert response.status_code == 400
    assert ERROR_SUMMARY in response.text
    assert message in response.text
    assert not ChildDeath.objects.exists()


def test_a_stillbirth_is_refused_with_the_reason_whatever_else_is_missing(coordinator) -> None:
    client = client_for(coordinator)
    response = client.post(reverse("cdop:staff_notify"), {"birth_outcome": "stillbirth"})
    assert response.status_code == 400
    assert "does not cover stillbirths" in response.text


def test_a_second_notification_for_the_same_child_links_to_the_case_and_says_so(
    case: ChildDeath, coordinator: User
) -> None:
    client = client_for(coordinator)
    response = client.post(reverse("cdop:staff_notify"), notify_form(nhs_number=VALID_NHS))

    assert response.status_code == 302
    assert response["Location"] == url("case", case) + "#notifications"
    assert ChildDeath.objects.count() == 1
    assert case.notifications.count() == 2
    page = client.get(response["Location"])
    assert f"This child already has a review, {case.reference}" in page.text
    assert "a later notification, linked by the NHS number" in page.text


def test_a_match_on_a_review_the_coordinator_cannot_see_names_it_without_opening_it(
    case: ChildDeath, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.CDOP_COORDINATOR)
    client = client_for(other)
    response = client.post(reverse("cdop:staff_notify"), notify_form(nhs_number=VALID_NHS))

    assert response["Location"] == reverse("cdop:dashboard")
    page = client.get(response["Location"])
    assert case.reference in page.text
    assert "Invented Child" not in page.text


# --- Online notifications waiting ---------------------------------------------------------------


def test_the_inbox_shows_waiting_notifications_and_audits_the_read(coordinator: User) -> None:
    services.notify_death_online(child=child_details(nhs_number=""), notifier=NOTIFIER)
    client = client_for(coordinator)

    response = client.get(reverse("cdop:inbox"))

    assert response.status_code == 200
    assert "Invented Child" in response.text
    assert audited("cdop.notifications.read") == 1
    dashboard = client.get(reverse("cdop:dashboard"))
    assert 'id="notifications-waiting">1<' in dashboard.text


def test_a_review_is_opened_from_an_online_notification(coordinator: User) -> None:
    waiting = services.notify_death_online(child=child_details(nhs_number=""), notifier=NOTIFIER)
    client = client_for(coordinator)
    page = reverse("cdop:notification", args=[waiting.pk])
    assert "Dr Invented" in client.get(page).text

    response = client.post(page)

    case = ChildDeath.objects.get()
    assert response["Location"] == url("case", case)
    assert Notification.objects.get().case == case
    assert audited("cdop.notification.accepted") == 1
    assert client.get(page).status_code == 404  # dealt with


def test_an_online_notification_is_removed_only_with_a_reason(coordinator: User) -> None:
    waiting = services.notify_death_online(child=child_details(nhs_number=""), notifier=NOTIFIER)
    client = client_for(coordinator)
    page = reverse("cdop:notification_discard", args=[waiting.pk])

    refused = client.post(page, {"reason": " "})
    assert refused.status_code == 400
    assert "Enter why the notification is being removed" in refused.text

    response = client.post(page, {"reason": "Sent in error"})
    assert response["Location"] == reverse("cdop:inbox")
    assert not Notification.objects.exists()
    assert audited("cdop.notification.discarded") == 1


# --- The case page ------------------------------------------------------------------------------


def test_a_member_reads_the_case_page_and_the_reads_are_logged(
    case: ChildDeath, make_user: Callable[..., User], join
) -> None:
    member = make_user()
    join(case, member, MembershipRole.REVIEWER)

    response = client_for(member).get(url("case", case))

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    for text in ("Invented Child", "943", "Timeliness", "Reporting forms", "The family"):
        assert text in response.text
    assert "Record the joint agency response" not in response.text  # a reviewer reads only
    assert ReadLog.objects.filter(user=member, target_type="cdop.childdeath").exists()
    assert ReadLog.objects.filter(user=member, target_type="cdop.notification").exists()


def test_the_workspace_pages_link_back_to_the_case(case: ChildDeath) -> None:
    assert home_url(case.workspace) == url("case", case)


def test_outsiders_get_404_on_every_case_page_administrators_included(
    case: ChildDeath, make_user: Callable[..., User]
) -> None:
    client = client_for(make_user(Role.PARTNERSHIP_ADMINISTRATOR, Role.CDOP_COORDINATOR))
    for name, access in ACCESS.items():
        if access.in_workspace is None:
            continue
        kwargs = access.in_workspace(None, None)  # a review the client is no member of
        target = reverse(name, kwargs=kwargs)
        assert client.get(target).status_code == 404, name
        assert client.post(target, {"reason": "x"}).status_code in (404, 405), name
    assert "Invented Child" not in client.get(reverse("cdop:dashboard")).text


def test_the_dashboard_lists_my_reviews_by_stage_with_forms_and_timeliness(
    make_case: Callable[..., ChildDeath], coordinator: User, make_user: Callable[..., User]
) -> None:
    mine = make_case(date_of_death=days_ago(10))
    other = make_case(actor=make_user(Role.CDOP_COORDINATOR))
    for due_on, submitted in ((days_ago(1), None), (days_ago(-5), None), (days_ago(1), NOW)):
        ReportingForm.objects.create(
            case=mine,
            agency="Invented GP practice",
            professional_name="Dr Invented",
            professional_email="gp@example.org",
            requested_by=coordinator,
            due_on=due_on,
            link_expires_at=NOW + timedelta(days=90),
            nonce="" if submitted else "invented",
            submitted_at=submitted,
        )

    response = client_for(coordinator).get(reverse("cdop:dashboard"))

    assert response.status_code == 200
    assert mine.reference in response.text
    assert other.reference not in response.text
    assert 'id="stage-notified"' in response.text
    # An unexpected death 10 days ago with no joint agency response: over the 5-day target.
    assert "Joint agency response: 10 days, target 5" in response.text
    assert "Notify a child" in response.text
    assert 'id="forms-outstanding">2<' in response.text
    assert "1 of 3" in response.text  # returned of requested
    assert '<strong class="govuk-tag govuk-tag--red">1</strong>' in response.text  # overdue


# --- Stages ------------------------------------------------------------------------------------


def test_the_joint_agency_response_needs_its_agencies(case: ChildDeath, coordinator) -> None:
    client = client_for(coordinator)
    page = url("joint_agency_response", case)
    refused = client.post(page, date_fields("started_on", days_ago(29)))
    assert refused.status_code == 400
    assert "Select the agencies that took part" in refused.text

    response = client.post(
        page, {**date_fields("started_on", days_ago(29)), "agencies": ["police", "health"]}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.JOINT_AGENCY_RESPONSE
    assert audited("cdop.jar.recorded") == 1


def test_a_review_goes_from_meeting_to_panel_to_closure_through_the_pages(
    case: ChildDeath, coordinator: User
) -> None:
    client = client_for(coordinator)
    too_early = client.post(url("review_meeting", case), date_fields("held_on", days_ago(60)))
    assert too_early.status_code == 400
    assert "Date held must be on or after the date of death" in too_early.text

    assert client.post(url("ready", case)).status_code == 400  # no review meeting yet
    client.post(url("review_meeting", case), date_fields("held_on", days_ago(3)))
    assert client.post(url("ready", case)).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.READY_FOR_PANEL

    incomplete = client.post(url("analysis", case), {"complete": "yes", "category": "10"})
    assert incomplete.status_code == 400
    assert "Select how far the factors contributed" in incomplete.text

    analysis = {
        "category": "10",
        "child_contribution": "1",
        "parenting_contribution": "2",
        "parenting_factors": "Invented: unsafe sleeping arrangements",
        "parenting_modifiable": "on",
        "environment_contribution": "1",
        "services_contribution": "0",
    }
    no_learning = client.post(url("analysis", case), {**analysis, "complete": "yes"})
    assert no_learning.status_code == 400
    assert "Enter the learning: the panel found modifiable factors" in no_learning.text

    saved = client.post(url("analysis", case), analysis)
    assert saved.status_code == 302
    done = client.post(
        url("analysis", case), {**analysis, "learning": "Invented learning", "complete": "yes"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.PANEL_REVIEWED
    assert case.analysis.modifiable_factors is True
    page = client.get(url("case", case)).text
    assert "Sudden unexpected, unexplained death" in page
    assert "Modifiable" in page

    action = client.post(
        url("action_add", case),
        {"description": "Invented: safer sleep campaign", "owner": "Public health"},
    )
    assert action.status_code == 302
    assert audited("cdop.action.added") == 1

    assert client.post(url("close", case)).status_code == 302
    case.refresh_from_db()
    assert case.is_closed
    assert audited("cdop.case.closed") == 1

    future = client.post(url("ncmd_sent", case), date_fields("sent_on", date(2027, 3, 5)))
    assert future.status_code == 400
    assert "Date sent must be between the day the case closed and today" in future.text
    assert client.post(url("ncmd_sent", case), date_fields("sent_on", date(2027, 3, 1))).status_code
    case.refresh_from_db()
    assert case.ncmd_sent_on == date(2027, 3, 1)
    # A closed review takes no more changes, and shows no links to make them.
    assert "Add an action" not in client.get(url("case", case)).text
    assert client.post(url("key_worker", case), {"name": "Invented"}).status_code == 400


def test_a_completed_analysis_is_reopened_with_a_reason(case: ChildDeath, coordinator) -> None:
    services.review_meeting_record(case=case, held_on=days_ago(3), actor=coordinator)
    services.case_mark_ready(case=case, actor=coordinator)
    client = client_for(coordinator)
    client.post(
        url("analysis", case),
        {
            "category": "5",
            **{f"{d}_contribution": "1" for d in ("child", "parenting", "environment", "services")},
            "complete": "yes",
        },
    )
    assert client.post(url("analysis_reopen", case), {"reason": ""}).status_code == 400

    response = client.post(url("analysis_reopen", case), {"reason": "New information"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.READY_FOR_PANEL
    assert audited("cdop.analysis.reopened") == 1


def test_only_the_lead_closes_a_review(case: ChildDeath, make_user, join) -> None:
    member = make_user()
    join(case, member)
    assert client_for(member).get(url("close", case)).status_code == 403


def test_a_referral_opens_a_case_review_linked_from_the_case(case: ChildDeath, coordinator):
    client = client_for(coordinator)
    assert client.post(url("refer", case), {"reason": ""}).status_code == 400

    response = client.post(url("refer", case), {"reason": "Invented: injuries unexplained"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.referred_to is not None
    assert case.referred_to.kind == "case_review"
    page = client.get(url("case", case)).text
    assert f'href="{home_url(case.referred_to)}"' in page
    # ...and the case review links back to the child death review (the referrer leads both)
    review_page = client.get(home_url(case.referred_to)).text
    assert "Referred by" in review_page
    assert f'href="{url("case", case)}"' in review_page


# --- The family ---------------------------------------------------------------------------------


def test_the_family_section_records_key_worker_members_questions_and_answers(
    case: ChildDeath, coordinator: User
) -> None:
    client = client_for(coordinator)
    assert client.post(url("key_worker", case), {"name": ""}).status_code == 400
    assert (
        client.post(url("key_worker", case), {"name": "Kay Worker", "role": "Nurse"}).status_code
        == 302
    )

    no_email = client.post(
        url("family_add", case),
        {"name": "Invented Parent", "relationship": "Mother", "contact_preference": "email"},
    )
    assert no_email.status_code == 400
    assert "Enter their email address, or choose another way to contact them" in no_email.text
    client.post(
        url("family_add", case),
        {
            "name": "Invented Parent",
            "relationship": "Mother",
            "contact_preference": "email",
            "email": "Parent@Example.org",
        },
    )
    parent = FamilyMember.objects.get()
    assert parent.email == "parent@example.org"

    asked = client.post(
        url("question_add", case),
        {
            "question": "Invented: why was the ambulance late?",
            "asked_by": str(parent.pk),
            **date_fields("asked_on", days_ago(2)),
        },
    )
    assert asked.status_code == 302
    question = FamilyQuestion.objects.get()
    assert question.asked_by == parent

    early = client.post(
        url("question_answer", case, question.pk),
        {"answer": "Invented answer", **date_fields("answered_on", days_ago(5))},
    )
    assert early.status_code == 400
    assert "Date answered must be between the day it was asked and today" in early.text
    client.post(
        url("question_answer", case, question.pk),
        {"answer": "Invented answer", **date_fields("answered_on", days_ago(1))},
    )
    page = client.get(url("case", case)).text
    for text in ("Kay Worker", "Invented Parent", "Invented answer"):
        assert text in page
    assert audited("cdop.family.question_answered") == 1


def test_a_question_of_another_review_is_not_found_through_this_one(
    make_case: Callable[..., ChildDeath], coordinator: User
) -> None:
    mine, other = make_case(), make_case(nhs_number=OTHER_NHS)
    question = services.family_question_add(
        case=other, question="Invented", asked_on=days_ago(1), asked_by=None, actor=coordinator
    )
    response = client_for(coordinator).get(url("question_answer", mine, question.pk))
    assert response.status_code == 404


# --- Panel meetings -------------------------------------------------------------------------------


def test_a_meeting_is_arranged_its_agenda_built_and_decisions_recorded(
    case: ChildDeath, coordinator: User, make_user: Callable[..., User]
) -> None:
    services.review_meeting_record(case=case, held_on=days_ago(3), actor=coordinator)
    services.case_mark_ready(case=case, actor=coordinator)
    client = client_for(coordinator)
    refused = client.post(reverse("cdop:meeting_new"), {"held_on_0": "31", "held_on_1": "2"})
    assert refused.status_code == 400
    assert ERROR_SUMMARY in refused.text

    response = client.post(
        reverse("cdop:meeting_new"), {**date_fields("held_on", date(2027, 3, 8)), "location": "R1"}
    )
    meeting = PanelMeeting.objects.get()
    assert response["Location"] == reverse("cdop:meeting", args=[meeting.pk])
    assert case.reference in client.get(reverse("cdop:meeting_agenda", args=[meeting.pk])).text
    client.post(reverse("cdop:meeting_agenda", args=[meeting.pk]))
    item = AgendaItem.objects.get()
    assert item.case == case

    attendance = reverse("cdop:meeting_attendance", args=[meeting.pk])
    no_answer = client.post(attendance, {"name": "Dr Invented", "organisation": "Health"})
    assert no_answer.status_code == 400
    assert "Select whether they were present or sent apologies" in no_answer.text
    client.post(attendance, {"name": "Dr Invented", "organisation": "Health", "present": "yes"})

    page = client.get(reverse("cdop:meeting", args=[meeting.pk])).text
    assert case.reference in page
    assert "Dr Invented" in page
    assert reverse("cdop:meetings") in client.get(reverse("cdop:dashboard")).text

    decide = reverse("cdop:agenda_decide", args=[meeting.pk, item.pk])
    too_soon = client.post(decide, {"decision": Decision.REVIEWED})
    assert too_soon.status_code == 400
    assert "Complete the analysis before recording the review" in too_soon.text
    assert client.post(decide, {"decision": Decision.DEFERRED}).status_code == 302
    item.refresh_from_db()
    assert item.decision == Decision.DEFERRED

    # Someone who is not a member of the review cannot see or decide its agenda item.
    outsider = client_for(make_user(Role.CDOP_COORDINATOR, Role.PARTNERSHIP_ADMINISTRATOR))
    assert outsider.get(decide).status_code == 404
    assert case.reference not in outsider.get(reverse("cdop:meeting", args=[meeting.pk])).text


def test_the_staff_dashboard_shows_the_tool_to_the_coordinator(coordinator: User) -> None:
    page = client_for(coordinator).get(reverse("accounts:dashboard")).text
    assert f'href="{reverse("cdop:dashboard")}"' in page


def test_the_case_page_counts_the_days_from_the_death_against_the_targets(
    make_case: Callable[..., ChildDeath], coordinator: User
) -> None:
    case = make_case(date_of_death=date(2027, 3, 1) - timedelta(days=200), unexpected=False)
    page = client_for(coordinator).get(url("case", case)).text
    assert "200 so far" in page
    assert "Overdue" in page  # the panel review's 180-day target has passed


def test_a_panel_member_with_no_role_finds_the_tool_once_a_member(
    case: ChildDeath, make_user: Callable[..., User], join
) -> None:
    panel = make_user()
    client = client_for(panel)
    home = reverse("cdop:dashboard")
    assert f'href="{home}"' not in client.get(reverse("accounts:dashboard")).text

    join(case, panel)

    assert f'href="{home}"' in client.get(reverse("accounts:dashboard")).text
    page = client.get(home).text
    assert case.reference in page
    assert "Online notifications waiting" not in page  # the secretariat's work
    assert "Notify a child" not in page


def _queries(client: Client, page: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    return len(queries)


def _busy(case: ChildDeath, coordinator: User, n: int) -> None:
    services.family_member_add(
        case=case,
        contact=FamilyContact(
            name=f"Invented {n}", relationship="Aunt", contact_preference="key_worker"
        ),
        actor=coordinator,
    )
    services.family_question_add(
        case=case, question="Invented", asked_on=days_ago(1), asked_by=None, actor=coordinator
    )
    services.notify_death(
        child=child_details(nhs_number=VALID_NHS), notifier=NOTIFIER, actor=coordinator
    )


def test_the_dashboard_case_and_meeting_queries_do_not_grow(
    make_case: Callable[..., ChildDeath], case: ChildDeath, coordinator: User
) -> None:
    client = client_for(coordinator)
    one_case = _queries(client, reverse("cdop:dashboard"))
    for _ in range(4):
        make_case()
    assert _queries(client, reverse("cdop:dashboard")) == one_case

    services.review_meeting_record(case=case, held_on=days_ago(3), actor=coordinator)
    services.analysis_save(case=case, data=AnalysisInput(category="5"), actor=coordinator)
    _busy(case, coordinator, 0)
    page = url("case", case)
    few = _queries(client, page)
    for n in range(1, 6):
        _busy(case, coordinator, n)
    assert _queries(client, page) == few

    meeting = services.meeting_create(held_on=days_ago(-7), location="", actor=coordinator)
    for other in ChildDeath.objects.exclude(pk=case.pk)[:1]:
        services.review_meeting_record(case=other, held_on=days_ago(3), actor=coordinator)
        services.case_mark_ready(case=other, actor=coordinator)
    services.meeting_build_agenda(meeting=meeting, actor=coordinator)
    agenda = reverse("cdop:meeting", args=[meeting.pk])
    one_item = _queries(client, agenda)
    for other in ChildDeath.objects.exclude(pk=case.pk)[1:]:
        services.review_meeting_record(case=other, held_on=days_ago(3), actor=coordinator)
        services.case_mark_ready(case=other, actor=coordinator)
    services.meeting_build_agenda(meeting=meeting, actor=coordinator)
    assert meeting.items.count() == 4
    assert _queries(client, agenda) == one_item
