"""Case records in the privacy engine: a parent's request about a child with no email finds
the case's records through the key list; encrypted fields reach an export only as
restricted; the case file is under the inquiry hold, so the retention sweep keeps it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.utils import timezone

from safeguarding.casereviews import services
from safeguarding.casereviews.models import CaseReview, ChronologyEntry
from safeguarding.inventory.declarations import declaration_for
from safeguarding.inventory.subjects import ChildIdentity, SubjectKey
from safeguarding.privacy.retention.engine import retention_sweep
from safeguarding.privacy.rights import export
from safeguarding.workspaces import referrals
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.referrals import Referral
from tests.workspaces.conftest import KIND as OTHER_KIND

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
BORN = date(2019, 5, 17)
NHS = "943 476 5919"


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 3, 1, 10, tzinfo=LONDON))


def _child_in(case: CaseReview, actor, **fields: object) -> None:
    services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={
            "role": "child",
            "full_name": "Invented Riley Example",
            "date_of_birth": BORN,
            **fields,
        },
        actor=actor,
    )
    services.record_add(
        case=case,
        kind="chronology",
        fields={"occurred_on": date(2026, 10, 1), "agency": "School", "event": "Invented"},
        actor=actor,
    )


def _found(model, key: SubjectKey) -> list[int]:
    declaration = declaration_for(model)
    assert declaration is not None
    assert declaration.subject_filter is not None
    found = declaration.subject_filter(key)
    return [] if found is None else list(model.objects.filter(found).values_list("pk", flat=True))


def test_a_request_about_a_child_with_no_email_finds_the_case(make_case, officer) -> None:
    theirs, other = make_case(), make_case()
    _child_in(theirs, officer)
    _child_in(other, officer, full_name="Invented Someone Else")

    by_name_and_birth = SubjectKey(child=ChildIdentity("invented  riley EXAMPLE", BORN))
    assert _found(CaseReview, by_name_and_birth) == [theirs.pk]
    assert _found(ChronologyEntry, by_name_and_birth) == [theirs.chronology.get().pk]
    assert _found(CaseReview, SubjectKey(child=ChildIdentity("Invented Riley Example"))) == []


def test_the_nhs_number_alone_finds_the_child(case, officer) -> None:
    _child_in(case, officer, nhs_number=NHS)
    assert _found(
        CaseReview, SubjectKey(child=ChildIdentity("Any name", nhs_number="9434765919"))
    ) == [case.pk]


def test_an_export_shows_case_records_as_restricted(case, officer) -> None:
    _child_in(case, officer)
    declaration = declaration_for(ChronologyEntry)
    key = SubjectKey(child=ChildIdentity("Invented Riley Example", BORN))
    exported = export._export_model(declaration, key, periods={})
    values = {f.name: f.value for row in exported.rows for f in row.fields}
    assert values["event"] == export.WITHHELD_RESTRICTED
    assert values["occurred_on"] == date(2026, 10, 1)


def test_the_case_file_is_kept_under_the_inquiry_hold(case, officer, clock) -> None:
    services.case_close(case=case, reason="Invented: all done", actor=officer)
    clock.move_to(timezone.now() + timedelta(days=365 * 26))

    retention_sweep()

    assert CaseReview.objects.filter(pk=case.pk).exists()


def test_a_child_death_review_referral_opens_a_case(make_user) -> None:
    referrer = make_user()
    from_workspace = workspace_services.workspace_create(
        kind=OTHER_KIND, title="Child death review 1", lead=referrer, actor=referrer
    )

    workspace = referrals.refer(
        "case_review",
        Referral(
            from_workspace=from_workspace,
            child=ChildIdentity("Invented Sam Example", BORN, NHS),
            reason="Invented: abuse or neglect suspected",
            actor=referrer,
        ),
    )

    case = apps.get_model("casereviews", "CaseReview").objects.get(workspace=workspace)
    assert case.subjects.get().pseudonym == "Child A"
    assert case.notification.aware_on == date(2027, 3, 1)
    assert workspace.memberships.get().user == referrer
