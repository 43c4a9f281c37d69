"""The case reviews dashboard lists one page of a member's live cases (latest opened first),
with a read logged only for each case shown, in the same number of queries however many
cases there are (bench/casereviews.py measures it at 1 and 50 cases)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.casereviews import selectors
from safeguarding.workspaces.models import ReadLog
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_only_the_cases_shown_are_logged_as_read(make_case, officer) -> None:
    cases = [make_case() for _ in range(5)]
    ReadLog.objects.all().delete()

    first = selectors.live_cases(officer, today=cases[0].opened_at.date(), per_page=2)

    shown = [line.case.pk for line in first.lines]
    assert shown == [cases[4].pk, cases[3].pk]  # latest opened first
    logged = ReadLog.objects.filter(user=officer, purpose="list my cases")
    assert sorted(int(pk) for pk in logged.values_list("target_id", flat=True)) == sorted(shown)
    assert first.page.paginator.count == 5

    last = selectors.live_cases(officer, today=cases[0].opened_at.date(), per_page=2, page="3")
    assert [line.case.pk for line in last.lines] == [cases[0].pk]
    assert logged.count() == 3


def test_the_dashboards_queries_do_not_grow_past_a_page(make_case, officer) -> None:
    today = make_case().opened_at.date()
    with CaptureQueriesContext(connection) as few:
        selectors.live_cases(officer, today=today, per_page=2)
    for _ in range(4):
        make_case()
    with CaptureQueriesContext(connection) as many:
        board = selectors.live_cases(officer, today=today, per_page=2)
    assert len(board.lines) == 2
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_dashboard_page_takes_a_page_number(make_case, officer, client) -> None:
    case = make_case()
    sign_in(client, officer)

    for query in ("?page=1", "?page=abc", "?page=99"):
        response = client.get(reverse("casereviews:staff_home") + query)
        assert response.status_code == 200
        assert case.reference in response.text
