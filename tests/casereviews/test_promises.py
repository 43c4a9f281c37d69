"""check_promises P04 and P05 for case reviews."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from safeguarding.casereviews import promises, services
from safeguarding.casereviews.sharing_events import PANEL
from safeguarding.core.promises import Outcome, check
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.workspaces.models import ReadLog
from safeguarding.workspaces.promises import sharing_decisions_recorded
from tests.casereviews.conftest import notify
from tests.workspaces.sharing_helpers import statutory_decision

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 3, 1, 10, tzinfo=LONDON))


def test_p04_is_kept_for_cases_opened_through_the_service(case, officer) -> None:
    services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={"role": "child", "full_name": "Invented"},
        actor=officer,
    )
    outcome, evidence = promises.case_records_need_to_know_encrypted_and_kept()
    assert outcome is Outcome.PASS, evidence
    assert check("P04").outcome is Outcome.PASS


def test_p04_fails_on_a_read_without_membership(case, make_user) -> None:
    ReadLog.objects.create(
        user=make_user(),
        workspace=case.workspace,
        target_type="casereviews.casereview",
        target_id=str(case.pk),
        purpose="view",
    )
    assert promises.reads_without_membership() == 1
    assert promises.case_records_need_to_know_encrypted_and_kept()[0] is Outcome.FAIL


def test_p04_fails_on_an_identity_stored_in_clear(case, officer) -> None:
    subject = services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={"role": "child", "full_name": "Invented"},
        actor=officer,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE casereviews_casesubject SET full_name = %s WHERE id = %s",
            ["Invented in clear", subject.pk],
        )
    assert promises.identities_not_sealed() == 1


def test_p04_fails_on_a_case_never_put_under_hold(case) -> None:
    LegalHold.objects.all().delete()
    assert promises.cases_never_held() == 1


def test_p05_fails_until_each_sharing_has_its_decision(case, officer, member) -> None:
    notify(case, officer, aware_on=date(2027, 2, 1), notified_on=date(2027, 2, 3))
    outcome, evidence = sharing_decisions_recorded()
    assert outcome is Outcome.FAIL
    assert "1 of 1" in evidence

    statutory_decision(case.workspace, member, organisation=PANEL, authorised_by=officer)
    assert sharing_decisions_recorded()[0] is Outcome.PASS
    assert check("P05").outcome is Outcome.PASS
