"""The coordinator's dashboard (``selectors.dashboard``) takes the same number of queries
however many cases and reporting forms there are (bench/cdop.py measures it at 500 cases
and 5,000 forms)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeguarding.accounts.roles import Role
from safeguarding.cdop import selectors
from tests.cdop.access_cdop_reports import add_forms, ready_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_dashboards_queries_do_not_grow_with_cases_or_forms() -> None:
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    first = ready_case(coordinator)
    add_forms(first, requested=2, returned=1)
    with CaptureQueriesContext(connection) as few:
        board = selectors.dashboard(coordinator)
    assert board.forms_outstanding == 1

    for _ in range(4):
        add_forms(ready_case(coordinator), requested=6, returned=2)
    with CaptureQueriesContext(connection) as many:
        board = selectors.dashboard(coordinator)

    assert board.forms_outstanding == 1 + 4 * 4
    assert sum(len(group.cases) for group in board.groups) == 5
    assert len(many.captured_queries) == len(few.captured_queries)
