"""check_promises P04 for child death reviews: reads only by members, the child's and the
family's details encrypted, a retention rule for every record type and every review under the
legal hold."""

from __future__ import annotations

import pytest
from django.db import connection

from safeguarding.accounts.models import User
from safeguarding.cdop import promises, services
from safeguarding.cdop.models import ChildDeath
from safeguarding.cdop.services import FamilyContact
from safeguarding.core.promises import Outcome, check
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.workspaces.models import ReadLog

pytestmark = pytest.mark.django_db


def test_p04_is_kept_for_reviews_opened_through_the_service(
    case: ChildDeath, coordinator: User
) -> None:
    services.family_member_add(
        case=case,
        contact=FamilyContact(
            name="Invented Parent", relationship="Father", contact_preference="key_worker"
        ),
        actor=coordinator,
    )
    outcome, evidence = promises.child_death_records_need_to_know_encrypted_and_kept()
    assert outcome is Outcome.PASS, evidence
    assert "1 review(s)" in evidence
    assert check("P04").outcome is Outcome.PASS


def test_p04_fails_on_a_read_without_membership(case: ChildDeath, make_user) -> None:
    ReadLog.objects.create(
        user=make_user(),
        workspace=case.workspace,
        target_type="cdop.childdeath",
        target_id=str(case.pk),
        purpose="view",
    )
    assert promises.reads_without_membership() == 1
    outcome, _ = promises.child_death_records_need_to_know_encrypted_and_kept()
    assert outcome is Outcome.FAIL
    assert check("P04").outcome is Outcome.FAIL


def test_p04_fails_on_a_childs_name_stored_in_clear(case: ChildDeath) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cdop_childdeath SET child_name = %s WHERE id = %s",
            ["Invented in clear", case.pk],
        )
    assert promises.values_in_clear() == 1
    outcome, evidence = promises.child_death_records_need_to_know_encrypted_and_kept()
    assert outcome is Outcome.FAIL
    assert "1 identifying or free-text value(s) not encrypted" in evidence


def test_p04_fails_on_a_review_never_put_under_the_hold(case: ChildDeath, settings) -> None:
    LegalHold.objects.all().delete()
    assert promises.cases_never_held() == 1
    settings.CDOP_LEGAL_HOLD_BY_DEFAULT = False
    assert promises.cases_never_held() == 0
