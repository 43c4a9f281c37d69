"""The coordinator's dashboard (``selectors.dashboard``) takes the same number of queries
however many cases and reporting forms there are (bench/cdop.py measures it at 500 cases
and 5,000 forms): its counts by stage, overdue figures and form totals are worked out by the
database, and only one page of reviews is listed, with a read logged for each review shown."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.cdop import selectors, services
from safeguarding.cdop.models import ChildDeath, Stage
from safeguarding.workspaces.models import ReadLog
from tests.cdop.access_cdop_reports import add_forms, ready_case
from tests.cdop.conftest import days_ago
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PURPOSE = "child death reviews dashboard"


def test_the_dashboards_queries_do_not_grow_with_cases_or_forms() -> None:
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    first = ready_case(coordinator)
    add_forms(first, requested=2, returned=1)
    with CaptureQueriesContext(connection) as few:
        board = selectors.dashboard(coordinator, per_page=2)
    assert board.forms_outstanding == 1

    for _ in range(4):
        add_forms(ready_case(coordinator), requested=6, returned=2)
    with CaptureQueriesContext(connection) as many:
        board = selectors.dashboard(coordinator, per_page=2)

    assert board.forms_outstanding == 1 + 4 * 4
    assert board.cases == 5
    assert sum(len(group.cases) for group in board.groups) == 2  # one page of two
    assert len(many.captured_queries) == len(few.captured_queries)


def test_reads_are_logged_for_the_reviews_shown_only(
    make_case: Callable[..., ChildDeath], coordinator: User
) -> None:
    for _ in range(5):
        make_case()
    ReadLog.objects.all().delete()

    first = selectors.dashboard(coordinator, per_page=2)
    shown = [case.pk for group in first.groups for case in group.cases]
    logged = ReadLog.objects.filter(user=coordinator, purpose=PURPOSE)
    assert sorted(int(pk) for pk in logged.values_list("target_id", flat=True)) == sorted(shown)

    last = selectors.dashboard(coordinator, per_page=2, page="3")
    assert [case.pk for group in last.groups for case in group.cases] != shown
    assert last.page.number == 3
    assert logged.count() == 3


def test_the_counts_by_stage_and_the_overdue_figures_match_each_reviews_timeliness(
    make_case: Callable[..., ChildDeath], coordinator: User
) -> None:
    # Unexpected deaths long ago with no joint agency response, a recent expected death, an
    # old one whose review meeting was held on time, and one ready for the panel.
    late = [make_case(date_of_death=days_ago(400)) for _ in range(2)]
    recent = make_case(date_of_death=days_ago(2), unexpected=False)
    met = make_case(date_of_death=days_ago(100), unexpected=False)
    services.review_meeting_record(case=met, held_on=days_ago(20), actor=coordinator)
    ready = ready_case(coordinator)
    today = timezone.localdate()

    board = selectors.dashboard(coordinator)

    cases = [*late, recent, met, ready]
    by_stage = {count.stage: count for count in board.stages}
    for stage in {case.stage for case in ChildDeath.objects.filter(pk__in=[c.pk for c in cases])}:
        at_stage = ChildDeath.objects.filter(pk__in=[c.pk for c in cases], stage=stage)
        expected_overdue = sum(
            1
            for case in at_stage.prefetch_related("stage_records")
            if selectors.overdue_stages(case, today=today)
        )
        assert by_stage[Stage(stage)].cases == at_stage.count()
        assert by_stage[Stage(stage)].overdue == expected_overdue
    assert board.cases == len(cases)
    assert board.overdue >= len(late)  # the two late joint agency responses at least


def test_the_dashboard_can_show_one_stage(
    make_case: Callable[..., ChildDeath], coordinator: User
) -> None:
    make_case()
    ready = ready_case(coordinator)

    board = selectors.dashboard(coordinator, stage="ready")

    assert [case.pk for group in board.groups for case in group.cases] == [ready.pk]
    assert board.stage == Stage.READY_FOR_PANEL
    assert board.cases == 2  # the counts still cover every stage
    assert selectors.dashboard(coordinator, stage="nonsense").stage is None


def test_the_dashboard_page_is_paginated_and_filtered_by_stage(
    make_case: Callable[..., ChildDeath], coordinator: User, client
) -> None:
    make_case()
    ready = ready_case(coordinator)
    sign_in(client, coordinator)

    page = client.get(reverse("cdop:dashboard") + "?stage=ready&page=1")
    every = client.get(reverse("cdop:dashboard") + "?stage=nonsense&page=abc")

    assert page.status_code == every.status_code == 200
    assert ready.reference in page.text
    assert f'href="{reverse("cdop:case", args=[ready.pk])}">{ready.reference}<' in page.text
    assert 'id="stage-notified"' not in page.text
    assert 'href="?stage=notified"' in page.text  # the counts by stage link to each stage
    assert 'id="stage-notified"' in every.text
    assert 'id="stage-ready"' in every.text


def test_the_dashboard_says_when_a_page_has_no_more_reviews(coordinator: User, client) -> None:
    sign_in(client, coordinator)
    assert "not a member of any open review" in client.get(reverse("cdop:dashboard")).text


def test_a_review_past_a_target_is_counted_overdue(
    make_case: Callable[..., ChildDeath], coordinator: User
) -> None:
    make_case(date_of_death=timezone.localdate() - timedelta(days=6))  # JAR target is 5 days
    make_case(date_of_death=timezone.localdate() - timedelta(days=4))
    board = selectors.dashboard(coordinator)
    assert board.overdue == 1
