"""A child death review's information going to another organisation (the closed case to the
National Child Mortality Database, a referral to the safeguarding partners) needs its sharing
decision on record (P05), recorded from the case page even after the review has closed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.cdop import services
from safeguarding.cdop.models import ChildDeath
from safeguarding.cdop.registration import NCMD
from safeguarding.core.promises import Outcome
from safeguarding.workspaces.kinds import sharing_events_of
from safeguarding.workspaces.promises import sharing_decisions_recorded
from tests.cdop.conftest import days_ago
from tests.cdop.test_stages import reviewed
from tests.conftest import sign_in
from tests.workspaces.sharing_helpers import statutory_decision

pytestmark = pytest.mark.django_db


def test_the_ncmd_submission_is_a_sharing_event_that_needs_its_decision(
    case: ChildDeath, coordinator, make_user
) -> None:
    case = reviewed(case, coordinator)
    services.case_close(case=case, actor=coordinator)
    assert sharing_events_of(case.workspace) == []
    services.ncmd_sent_record(case=case, sent_on=days_ago(0), actor=coordinator)

    [event] = sharing_events_of(case.workspace)
    assert (event.key, event.organisation, event.on) == ("ncmd", NCMD, days_ago(0))
    outcome, evidence = sharing_decisions_recorded()
    assert outcome is Outcome.FAIL
    assert "Child death review: 1 of 1 without a decision" in evidence

    client = Client()
    sign_in(client, coordinator)
    page = client.get(reverse("cdop:case", args=[case.pk])).text
    assert "No decision on record" in page
    assert "?event=ncmd" in page  # the review is closed; the decision can still be recorded

    statutory_decision(
        case.workspace, coordinator, organisation=NCMD, answers="ncmd", authorised_by=make_user()
    )
    assert sharing_decisions_recorded()[0] is Outcome.PASS
    assert "Decision on record" in client.get(reverse("cdop:case", args=[case.pk])).text
