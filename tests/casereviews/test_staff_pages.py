"""The case review pages for members, reviewers, leads and outsiders (the access table tries
every role as a non-member; here people are members)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accounts.roles import Role
from safeguarding.casereviews import services
from safeguarding.casereviews.models import CaseReview, ChronologyEntry, Notification
from safeguarding.workspaces.kinds import home_url
from safeguarding.workspaces.models import MembershipRole, ReadLog
from tests.casereviews.conftest import notify
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 3, 1, 10, tzinfo=LONDON))


def client_for(user) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_a_review_officer_opens_a_case_through_the_form(officer) -> None:
    client = client_for(officer)
    response = client.post(reverse("casereviews:staff_open"), {"reference": "CR 2027-09"})

    case = CaseReview.objects.get(reference="CR 2027-09")
    assert response.status_code == 302
    assert response["Location"] == reverse("casereviews:staff_case", args=[case.pk])
    assert client.get(response["Location"]).status_code == 200


def test_a_refused_form_answers_400(officer, case) -> None:
    client = client_for(officer)
    assert client.post(reverse("casereviews:staff_open"), {"reference": ""}).status_code == 400
    response = client.post(
        reverse("casereviews:staff_record_add", args=[case.pk, "chronology"]),
        {"agency": "Police", "occurred_on_0": "30", "occurred_on_1": "2", "occurred_on_2": "2027"},
    )
    assert response.status_code == 400
    assert "Date of the event must be a real date" in response.text


def test_the_dashboard_lists_only_my_cases_with_stage_next_due_and_overdue(
    make_case, officer, make_user, join
) -> None:
    panel = make_user(Role.REVIEW_PANEL_MEMBER)
    mine, other = make_case(), make_case()
    join(mine, panel)
    notify(mine, officer, aware_on=date(2027, 2, 1))  # due 8 February: overdue

    response = client_for(panel).get(reverse("casereviews:staff_home"))

    assert response.status_code == 200
    assert mine.reference in response.text
    assert other.reference not in response.text
    assert "Notify the national panel: 8 February 2027" in response.text
    assert "Overdue by 15 working days" in response.text
    assert response["Cache-Control"] == "no-store"
    assert "Open a case review" not in response.text


def test_a_member_reads_the_case_page_with_its_clocks_and_the_read_is_logged(
    case, officer, member
) -> None:
    notify(case, officer, aware_on=date(2027, 2, 24), notified_on=None)
    response = client_for(member).get(reverse("casereviews:staff_case", args=[case.pk]))

    assert response.status_code == 200
    assert "Notify the national panel" in response.text
    assert "3 March 2027" in response.text
    assert "2 working days left" in response.text
    assert ReadLog.objects.filter(user=member, target_type="casereviews.casereview").exists()


def test_outsiders_get_404_on_every_case_page_administrators_included(case, make_user) -> None:
    entry = services.record_add(
        case=case,
        kind="chronology",
        fields={"occurred_on": date(2027, 1, 5), "agency": "Police", "event": "Invented"},
        actor=case.opened_by,
    )
    client = client_for(make_user(Role.PARTNERSHIP_ADMINISTRATOR, Role.REVIEW_OFFICER))
    for url in (
        reverse("casereviews:staff_case", args=[case.pk]),
        reverse("casereviews:staff_records", args=[case.pk, "chronology"]),
        reverse("casereviews:staff_record_edit", args=[case.pk, "chronology", entry.pk]),
        reverse("casereviews:staff_notification", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"agency": "x"}).status_code in (404, 405)


def test_a_record_of_another_case_is_not_found_through_this_one(make_case, officer) -> None:
    mine, other = make_case(), make_case()
    entry = services.record_add(
        case=other,
        kind="chronology",
        fields={"occurred_on": date(2027, 1, 5), "agency": "Police", "event": "Invented"},
        actor=officer,
    )
    url = reverse("casereviews:staff_record_edit", args=[mine.pk, "chronology", entry.pk])
    assert client_for(officer).get(url).status_code == 404


def test_a_reviewer_reads_but_may_not_open_a_form(case, make_user, join) -> None:
    reviewer = make_user()
    join(case, reviewer, MembershipRole.REVIEWER)
    client = client_for(reviewer)
    assert client.get(reverse("casereviews:staff_case", args=[case.pk])).status_code == 200
    add = reverse("casereviews:staff_record_add", args=[case.pk, "chronology"])
    assert client.get(add).status_code == 403


def test_a_member_adds_a_chronology_entry_and_changes_it(case, member) -> None:
    client = client_for(member)
    add = reverse("casereviews:staff_record_add", args=[case.pk, "chronology"])
    response = client.post(
        add,
        {
            "agency": "School",
            "event": "Invented: absent",
            **date_fields("occurred_on", date(2027, 1, 4)),
        },
    )
    assert response.status_code == 302
    entry = ChronologyEntry.objects.get()
    edit = reverse("casereviews:staff_record_edit", args=[case.pk, "chronology", entry.pk])
    page = client.get(edit)
    assert 'value="School"' in page.text
    client.post(
        edit,
        {
            "agency": "School",
            "event": "Invented: absent all week",
            **date_fields("occurred_on", date(2027, 1, 4)),
        },
    )
    entry.refresh_from_db()
    assert entry.event == "Invented: absent all week"


def test_the_stage_forms_take_a_case_from_notification_to_practice_review(case, member) -> None:
    client = client_for(member)
    url = reverse("casereviews:staff_notification", args=[case.pk])
    response = client.post(
        url,
        {
            "outcome": "died",
            "looked_after": "no",
            **date_fields("aware_on", date(2027, 1, 4)),
            **date_fields("notified_on", date(2027, 1, 6)),
        },
    )
    assert response.status_code == 302
    assert Notification.objects.get().notified_on == date(2027, 1, 6)
    start = reverse("casereviews:staff_rapid_review_start", args=[case.pk])
    assert client.post(start, date_fields("started_on", date(2027, 1, 7))).status_code == 302
    decide = reverse("casereviews:staff_rapid_review_decision", args=[case.pk])
    response = client.post(
        decide,
        {
            "decision": "local_review",
            "reasons": "Invented",
            **date_fields("decided_on", date(2027, 1, 20)),
        },
    )
    assert response.status_code == 302
    practice = reverse("casereviews:staff_practice_review_start", args=[case.pk])
    response = client.post(
        practice, {"kind": "lcspr", **date_fields("decided_on", date(2027, 2, 1))}
    )
    assert response.status_code == 302
    page = client.get(reverse("casereviews:staff_case", args=[case.pk]))
    assert "Local child safeguarding practice review" in page.text
    assert "1 August 2027" in page.text  # the final report, 6 months on


def test_a_rapid_review_cannot_start_before_the_notification_is_sent(case, member) -> None:
    response = client_for(member).post(
        reverse("casereviews:staff_rapid_review_start", args=[case.pk]),
        date_fields("started_on", date(2027, 2, 1)),
    )
    assert response.status_code == 400
    assert "notification has been sent" in response.text


def test_every_page_of_a_case_opens_for_its_lead(case, officer) -> None:
    notify(case, officer, aware_on=date(2027, 1, 4), notified_on=date(2027, 1, 5))
    services.rapid_review_start(case=case, started_on=date(2027, 1, 6), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision="local_review",
        reasons="Invented",
        decided_on=date(2027, 1, 20),
        actor=officer,
    )
    services.practice_review_start(
        case=case, kind="lcspr", decided_on=date(2027, 2, 1), actor=officer
    )
    subject = services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={"role": "child", "full_name": "Invented"},
        actor=officer,
    )
    client = client_for(officer)
    names = [
        "staff_case",
        "staff_close",
        "staff_notification",
        "staff_rapid_review",
        "staff_rapid_review_decision",
        "staff_practice_review",
        "staff_subject_add",
    ]
    for name in names:
        assert client.get(reverse(f"casereviews:{name}", args=[case.pk])).status_code == 200
    url = reverse("casereviews:staff_subject_edit", args=[case.pk, subject.pk])
    assert 'value="Invented"' in client.get(url).text
    for kind in (
        "chronology",
        "information-requests",
        "reviewer-requests",
        "checkpoints",
        "meetings",
        "decisions",
        "recommendations",
        "actions",
    ):
        assert (
            client.get(reverse("casereviews:staff_records", args=[case.pk, kind])).status_code
            == 200
        )
        add = reverse("casereviews:staff_record_add", args=[case.pk, kind])
        assert client.get(add).status_code == 200
    assert (
        client.get(reverse("casereviews:staff_records", args=[case.pk, "nonsense"])).status_code
        == 404
    )


def test_the_shared_workspace_pages_link_back_to_the_case_page(case) -> None:
    assert home_url(case.workspace) == reverse("casereviews:staff_case", args=[case.pk])


def test_the_case_page_links_to_the_shared_workspace_pages(case, officer, member) -> None:
    lead_page = client_for(officer).get(reverse("casereviews:staff_case", args=[case.pk])).text
    for name in ("members", "documents", "sharing", "who_has_seen", "sharing_new"):
        assert reverse(f"workspaces:{name}", args=[case.workspace.pk]) in lead_page
    member_page = client_for(member).get(reverse("casereviews:staff_case", args=[case.pk])).text
    assert reverse("workspaces:who_has_seen", args=[case.workspace.pk]) not in member_page


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_dashboard_and_case_page_queries_do_not_grow(make_case, officer) -> None:
    client = client_for(officer)
    first = make_case()
    notify(first, officer, aware_on=date(2027, 2, 1))
    one_case = _queries(client, reverse("casereviews:staff_home"))
    for _ in range(3):
        notify(make_case(), officer, aware_on=date(2027, 2, 1))
    assert _queries(client, reverse("casereviews:staff_home")) == one_case

    page = reverse("casereviews:staff_case", args=[first.pk])
    add = {"agency": "Police", "event": "Invented"}

    def entry(n: int) -> None:
        services.record_add(
            case=first,
            kind="chronology",
            fields={**add, "occurred_on": date(2026, 1, 1 + n)},
            actor=officer,
        )

    entry(0)
    few = _queries(client, page)
    for n in range(1, 15):
        entry(n)
    assert _queries(client, page) == few


def test_a_reviewer_with_no_role_finds_case_reviews_on_the_dashboard_once_a_member(
    case, make_user, join
) -> None:
    reviewer = make_user()  # an independent reviewer: a staff account with no role
    client = client_for(reviewer)
    home = reverse("casereviews:staff_home")
    assert f'href="{home}"' not in client.get(reverse("accounts:dashboard")).text

    join(case, reviewer)

    assert f'href="{home}"' in client.get(reverse("accounts:dashboard")).text
