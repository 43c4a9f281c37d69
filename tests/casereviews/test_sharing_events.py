"""Each time a case's information goes to another organisation (P05), the decision recorded
from that event's link answers that event, whatever the organisation was called; one recorded
on its own answers an event of the organisation it names."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from safeguarding.casereviews.sharing_events import OFSTED, PANEL, events_of
from safeguarding.workspaces.models import SharingDecision
from safeguarding.workspaces.promises import sharing_decisions_recorded
from safeguarding.workspaces.sharing_events import unanswered
from tests.casereviews.conftest import notify
from tests.conftest import sign_in
from tests.workspaces.sharing_helpers import statutory_decision

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 3, 1, 10, tzinfo=LONDON))


def _decide(case, actor, **changes) -> SharingDecision:
    changes.setdefault("recipient_organisation", PANEL)
    return statutory_decision(
        case.workspace, actor, organisation=changes.pop("recipient_organisation"), **changes
    )


def _missing(case) -> set[str]:
    decisions = case.workspace.sharing_decisions.all()
    return {event.key for event in unanswered(events_of(case), decisions)}


def _looked_after(case, officer) -> None:
    notify(
        case,
        officer,
        aware_on=date(2027, 2, 1),
        notified_on=date(2027, 2, 3),
        looked_after=True,
        ofsted_notified_on=date(2027, 2, 4),
        secretary_of_state_notified_on=date(2027, 2, 4),
    )


def test_each_event_has_a_key_of_its_own(case, officer) -> None:
    _looked_after(case, officer)
    keys = [event.key for event in events_of(case)]
    assert keys == [
        "notification:panel",
        "notification:ofsted",
        "notification:secretary_of_state",
    ]


def test_a_decision_for_an_event_answers_it_whatever_the_organisation_is_called(
    case, officer, member
) -> None:
    _looked_after(case, officer)
    _decide(
        case,
        member,
        answers="notification:ofsted",
        recipient_organisation="Office for Standards in Education",
        authorised_by=officer,
    )
    missing = _missing(case)
    assert missing == {"notification:panel", "notification:secretary_of_state"}


def test_a_decision_for_one_event_does_not_answer_another_of_the_same_organisation(
    case, officer, member
) -> None:
    _looked_after(case, officer)
    _decide(
        case,
        member,
        answers="notification:ofsted",
        recipient_organisation=PANEL,
        authorised_by=officer,
    )
    missing = _missing(case)
    assert "notification:panel" in missing


def test_a_decision_recorded_on_its_own_still_answers_by_organisation(
    case, officer, member
) -> None:
    _looked_after(case, officer)
    _decide(case, member, recipient_organisation=OFSTED.upper(), authorised_by=officer)
    missing = _missing(case)
    assert "notification:ofsted" not in missing


def test_a_decision_not_to_share_answers_nothing(case, officer, member) -> None:
    _looked_after(case, officer)
    _decide(case, member, answers="notification:panel", shared=False, means="")
    missing = _missing(case)
    assert "notification:panel" in missing


def test_the_service_refuses_an_event_the_case_does_not_have(case, officer, member) -> None:
    notify(case, officer, aware_on=date(2027, 2, 1), notified_on=date(2027, 2, 3))
    with pytest.raises(ValidationError) as error:
        _decide(case, member, answers="practice_review:department", authorised_by=officer)
    assert "answers" in error.value.message_dict
    assert not SharingDecision.objects.exists()


def test_the_case_page_links_each_unanswered_event_to_a_prefilled_decision(
    case, officer, member
) -> None:
    notify(case, officer, aware_on=date(2027, 2, 1), notified_on=date(2027, 2, 3))
    client = Client()
    sign_in(client, member)
    page = client.get(reverse("casereviews:staff_case", args=[case.pk]))
    new = reverse("workspaces:sharing_new", args=[case.workspace.pk])
    assert f"{new}?event=notification%3Apanel" in page.text

    form = client.get(new, {"event": "notification:panel"})
    assert form.status_code == 200
    assert "This decision is for: Serious incident notification to " in form.text
    assert 'value="notification:panel"' in form.text
    assert PANEL.replace("'", "&#x27;") in form.text

    response = client.post(
        new + "?event=notification%3Apanel",
        {
            "answers": "notification:panel",
            "shared": "yes",
            "information": "Invented: the notification",
            "recipient_organisation": "The national panel",
            "purpose": "Statutory notification",
            "means": "The national notification system",
            "lawful_basis": "6(1)(c)",
            "consent_sought": "no",
            "consent_not_sought_reason": "A statutory duty to notify",
            "rationale": "Children Act 2004 s16C",
            "authorised_by": str(officer.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SharingDecision.objects.get().answers == "notification:panel"
    assert sharing_decisions_recorded()[0].name == "PASS"
    page = client.get(reverse("casereviews:staff_case", args=[case.pk]))
    assert "No decision on record" not in page.text


def test_a_link_to_an_event_the_case_does_not_have_is_not_found(case, officer, member) -> None:
    client = Client()
    sign_in(client, member)
    new = reverse("workspaces:sharing_new", args=[case.workspace.pk])
    assert client.get(new, {"event": "notification:panel"}).status_code == 404
