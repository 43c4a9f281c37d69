"""The invented demo child death reviews."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from safeguarding.accounts.roles import Role
from safeguarding.cdop import promises
from safeguarding.cdop.models import (
    ChildDeath,
    FamilyMember,
    Notification,
    PanelMeeting,
    ReportingForm,
    Stage,
)
from safeguarding.core.promises import Outcome, check
from safeguarding.demo.cdop import seed_cdop_demo
from safeguarding.workspaces.selectors import workspaces_for

pytestmark = pytest.mark.django_db


def test_the_demo_reviews_are_invented_at_each_stage_and_idempotent(make_user, clock) -> None:
    clock.move_to(datetime(2027, 1, 4, 9, tzinfo=ZoneInfo("Europe/London")))
    coordinator = make_user(Role.CDOP_COORDINATOR)
    others = [make_user(role) for role in Role if role != Role.CDOP_COORDINATOR]

    assert seed_cdop_demo(coordinator=coordinator, manager=others[0]) == 7
    assert seed_cdop_demo(coordinator=coordinator, manager=others[0]) == 0

    assert all(case.child_name.endswith("(invented)") for case in ChildDeath.objects.all())
    assert all(member.name.endswith("(invented)") for member in FamilyMember.objects.all())
    assert set(ChildDeath.objects.values_list("stage", flat=True)) == set(Stage)
    assert ReportingForm.objects.filter(submitted_at__isnull=True).count() == 3
    assert ChildDeath.objects.filter(ncmd_sent_on__isnull=False).count() == 1
    assert Notification.objects.filter(case__isnull=True).count() == 1
    assert PanelMeeting.objects.get().items.count() == 1
    assert workspaces_for(coordinator).count() == 7
    assert check("P05").outcome is Outcome.PASS
    assert promises.child_death_records_need_to_know_encrypted_and_kept()[0] is Outcome.PASS
    assert all(not workspaces_for(other).exists() for other in others)
