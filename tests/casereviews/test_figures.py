"""The yearly figures: counts over the reporting year (1 April to 31 March), a page and a CSV,
for review officers and administrators; each look is audited."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.casereviews import services
from safeguarding.casereviews.figures import reporting_year, year_figures
from tests.casereviews.conftest import notify
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def _today(clock) -> None:
    clock.move_to(datetime(2027, 6, 1, 10, tzinfo=LONDON))


def test_the_reporting_year_starts_on_1_april() -> None:
    assert reporting_year(date(2027, 3, 31)) == 2026
    assert reporting_year(date(2027, 4, 1)) == 2027


def _published(case, officer) -> None:
    notify(case, officer, aware_on=date(2026, 4, 6), notified_on=date(2026, 4, 9))
    services.rapid_review_start(case=case, started_on=date(2026, 4, 10), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision="local_review",
        reasons="Invented",
        decided_on=date(2026, 4, 24),
        actor=officer,
    )
    services.rapid_review_update(
        case=case, fields={"sent_to_panel_on": date(2026, 4, 27)}, actor=officer
    )
    services.practice_review_start(
        case=case, kind="lcspr", decided_on=date(2026, 5, 1), actor=officer
    )
    services.practice_review_update(
        case=case,
        fields={
            "final_report_on": date(2026, 10, 1),
            "sent_to_panel_on": date(2026, 10, 5),
            "sent_to_department_on": date(2026, 10, 5),
        },
        actor=officer,
    )
    review = case.practice_review
    review.published_on = date(2026, 11, 2)  # the publication service comes with the check
    review.save(update_fields=["published_on"])


def test_the_figures_count_the_year(make_case, officer) -> None:
    _published(make_case(), officer)
    late = make_case()
    notify(late, officer, aware_on=date(2026, 12, 22), notified_on=date(2027, 1, 4))
    services.record_add(
        case=late,
        kind="actions",
        fields={"description": "Invented", "owner": "Police", "due_on": date(2027, 5, 1)},
        actor=officer,
    )
    outside = make_case()
    notify(outside, officer, aware_on=date(2027, 4, 6))

    figures = {f.label: f.value for f in year_figures(2026, today=date(2027, 6, 1)).figures}

    assert figures["Serious incident notifications"] == 2
    assert figures["Notified to the national panel within 5 working days"] == 1
    assert figures["Rapid reviews sent to the national panel"] == 1
    assert figures["Rapid reviews sent within 15 working days"] == 1
    assert figures["Local child safeguarding practice reviews commissioned"] == 1
    assert figures["Reviews published"] == 1
    assert figures["Reviews not published, with the improvements published instead"] == 0
    assert figures["Published reviews whose final report came within 6 months"] == 1
    assert figures["Median days from the decision to publication"] == 185
    assert figures["Actions open today"] == 1
    assert figures["Actions overdue today"] == 1


def test_the_page_and_the_csv_are_audited(make_user) -> None:
    client = Client()
    sign_in(client, make_user(Role.REVIEW_OFFICER))
    page = client.get(reverse("casereviews:staff_figures"), {"year": "2026"})
    assert page.status_code == 200
    assert "1 April 2026 to 31 March 2027" in page.text
    csv = client.get(reverse("casereviews:staff_figures_csv"), {"year": "2026"})
    assert csv["Content-Disposition"] == 'attachment; filename="case-review-figures-2026.csv"'
    assert '"Serious incident notifications","0"' in csv.content.decode()
    assert AuditEntry.objects.filter(action="casereviews.figures.read").count() == 2
    assert client.get(reverse("casereviews:staff_figures"), {"year": "1999"}).status_code == 404
