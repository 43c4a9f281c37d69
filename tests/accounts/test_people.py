from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def people_page_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accounts:people")).status_code == 200
    return len(queries.captured_queries)


def test_the_people_page_costs_the_same_queries_at_10_and_1000_people(
    client: Client, administrator: User
) -> None:
    sign_in(client, administrator)
    User.objects.bulk_create(
        User(email=f"few{n}@example.invalid", full_name=f"F {n}") for n in range(9)
    )
    few = people_page_queries(client)
    User.objects.bulk_create(
        User(email=f"many{n}@example.invalid", full_name=f"M {n}") for n in range(990)
    )

    assert people_page_queries(client) == few


def test_the_people_page_is_paginated(client: Client, administrator: User) -> None:
    sign_in(client, administrator)
    User.objects.bulk_create(
        User(email=f"p{n}@example.invalid", full_name=f"P {n:03}") for n in range(120)
    )

    first = client.get(reverse("accounts:people")).content.decode()
    last = client.get(reverse("accounts:people") + "?page=3").content.decode()

    assert "Page 1 of 3" in first
    assert 'rel="next"' in first
    assert "Page 3 of 3" in last
    assert client.get(reverse("accounts:people") + "?page=abc").status_code == 200


def test_each_row_links_to_the_person_and_names_their_roles(
    client: Client, administrator: User, make_user: Callable[..., User]
) -> None:
    both = make_user(Role.TRAINER, Role.CDOP_COORDINATOR, full_name="Bo <Both>")
    nameless = make_user(full_name="", email="no-name@example.org")
    sign_in(client, administrator)

    page = client.get(reverse("accounts:people")).content.decode()

    both_row = page[page.index(reverse("accounts:person", args=[both.pk])) :].split("</tr>")[0]
    assert "Bo &lt;Both&gt;</a>" in both_row  # escaped
    assert both.email in both_row
    assert ", ".join(sorted(both.role_names)) in both_row
    nameless_row = page[page.index(reverse("accounts:person", args=[nameless.pk])) :]
    nameless_row = nameless_row.split("</tr>")[0]
    assert '">no-name@example.org</a>' in nameless_row  # the address stands for the name
    assert ">None</td>" in nameless_row  # no roles


def test_a_page_of_people_is_read_in_order_from_an_index_not_sorted() -> None:
    """Every administrator's People page reads a page of accounts by name: an index in that
    order lets the database stop after the page instead of sorting every account."""
    from safeguarding.accounts.selectors import _people_statements

    inner = _people_statements(connection.vendor)[1].split(") p ")[0].split("(", 1)[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test's table is too small for the planner to prefer any index by cost.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {inner}", [50, 0])
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {inner}", [50, 0])
        plan = " ".join(str(part) for row in cursor.fetchall() for part in row)

    assert "user_by_name" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
    assert "Sort" not in plan, plan
