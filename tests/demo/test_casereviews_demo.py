"""The invented demo case reviews."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from safeguarding.accounts.roles import Role
from safeguarding.casereviews.models import CaseReview, CaseSubject, Stage
from safeguarding.demo.casereviews import seed_casereviews_demo
from safeguarding.workspaces.selectors import workspaces_for

pytestmark = pytest.mark.django_db


def test_the_demo_cases_are_invented_at_each_stage_and_idempotent(make_user, clock) -> None:
    clock.move_to(datetime(2027, 1, 4, 9, tzinfo=ZoneInfo("Europe/London")))  # after New Year
    officer, panel = make_user(Role.REVIEW_OFFICER), make_user(Role.REVIEW_PANEL_MEMBER)

    assert seed_casereviews_demo(officer=officer, panel=panel) == 4
    assert seed_casereviews_demo(officer=officer, panel=panel) == 0

    assert all(
        ref.endswith("(invented)") for ref in CaseReview.objects.values_list("reference", flat=True)
    )
    assert all(subject.full_name.endswith("(invented)") for subject in CaseSubject.objects.all())
    assert set(CaseReview.objects.values_list("stage", flat=True)) == {
        Stage.NOTIFICATION,
        Stage.RAPID_REVIEW,
        Stage.PRACTICE_REVIEW,
        Stage.CLOSED,
    }
    assert workspaces_for(panel).count() == 2
    assert workspaces_for(officer).count() == 4
