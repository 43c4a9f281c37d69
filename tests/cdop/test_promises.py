"""check_promises P04 and P05 for child death reviews: reads only by members, the child's and
the family's details encrypted, a retention rule for every record type and every review under
the legal hold; a sharing decision for every review sent to the national database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.cdop import promises, services
from safeguarding.cdop.models import ChildDeath, Domain
from safeguarding.cdop.services import AnalysisInput, DomainFinding, FamilyContact
from safeguarding.cdop.sharing_events import NCMD
from safeguarding.core.promises import Outcome, check
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.workspaces.models import ReadLog
from safeguarding.workspaces.sharing import sharing_decision_record
from tests.cdop.conftest import days_ago
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
NO_FACTORS = DomainFinding(contribution="1")


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


def closed_and_sent(case: ChildDeath, coordinator: User) -> None:
    services.review_meeting_record(case=case, held_on=days_ago(3), actor=coordinator)
    services.case_mark_ready(case=case, actor=coordinator)
    services.analysis_save(
        case=case,
        data=AnalysisInput(category="5", domains=dict.fromkeys(Domain.values, NO_FACTORS)),
        actor=coordinator,
        complete=True,
    )
    services.case_close(case=case, actor=coordinator)
    services.ncmd_sent_record(case=case, sent_on=timezone.localdate(), actor=coordinator)


def test_p05_fails_until_the_review_sent_to_ncmd_has_its_sharing_decision(
    case: ChildDeath, coordinator: User, make_user
) -> None:
    assert promises.child_death_sharing_decisions_recorded()[0] is Outcome.PASS
    closed_and_sent(case, coordinator)
    page = reverse("cdop:case", args=[case.pk])
    client = Client()
    sign_in(client, coordinator)
    assert "No decision on record" in client.get(page).text
    outcome, evidence = promises.child_death_sharing_decisions_recorded()
    assert outcome is Outcome.FAIL
    assert "1 of 1" in evidence

    sharing_decision_record(
        workspace=case.workspace,
        shared=True,
        information="The review's record for the national database",
        recipient_organisation=NCMD,
        purpose="Statutory child death review data",
        means="The NCMD secure portal",
        lawful_basis="6(1)(e)",
        special_category=True,
        special_condition="9(2)(g) sch1 para18",
        consent_sought=False,
        consent_not_sought_reason="A statutory collection",
        rationale="Children Act 2004 s16M",
        authorised_by=make_user(),
        decided_at=timezone.now(),
        answers="ncmd:sent",
        actor=coordinator,
    )

    assert promises.child_death_sharing_decisions_recorded()[0] is Outcome.PASS
    assert "Decision on record" in client.get(page).text


def test_the_record_the_decision_link_prefills_the_ncmd_sharing(
    case: ChildDeath, coordinator: User
) -> None:
    closed_and_sent(case, coordinator)
    client = Client()
    sign_in(client, coordinator)
    link = reverse("workspaces:sharing_new", args=[case.workspace.pk]) + "?event=ncmd%3Asent"
    assert link.replace("&", "&amp;") in client.get(reverse("cdop:case", args=[case.pk])).text
    response = client.get(link)
    assert response.status_code == 200
    assert NCMD in response.text
