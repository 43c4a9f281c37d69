"""A content version (core/content_versions.py) is read with one statement: on a connection
kept from an earlier request, that read is the connection's health check too, and a
connection that died since is replaced, as Django's own check would. On PostgreSQL the
statement is prepared once per connection and still answered afresh by every read."""

from __future__ import annotations

import threading

import pytest
import pytest_django.fixtures
from django.db import connection, transaction

from safeguarding.core import content_versions
from safeguarding.core.content_versions import version_of
from safeguarding.training.models import CatalogueVersion
from tests.training.factories import SessionFactory

pytestmark = pytest.mark.django_db(transaction=True)  # no test transaction: as in a request


def start_of_a_request() -> None:
    """What Django does to a kept connection when a request starts (CONN_HEALTH_CHECKS)."""
    # A connection of this test's own: one kept from the test database's set-up may be past
    # CONN_MAX_AGE on a slow machine, and the start of a request would close it.
    connection.close()
    connection.ensure_connection()
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None
    assert not connection.health_check_done  # type: ignore[attr-defined]  # Django's own flag


def test_the_read_is_the_health_check(monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[bool] = []
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(True) or True)
    start_of_a_request()

    assert version_of(CatalogueVersion) == CatalogueVersion.objects.get(pk=1).value

    assert checks == []


@pytest.mark.postgres_only
def test_a_connection_that_died_since_is_replaced() -> None:
    start_of_a_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    connection.health_check_done = False  # type: ignore[attr-defined]  # a new request
    with connection._nodb_cursor() as other:  # type: ignore[attr-defined]  # Django's own
        other.execute("SELECT pg_terminate_backend(%s)", [pid])

    assert version_of(CatalogueVersion) == CatalogueVersion.objects.get(pk=1).value


def _prepared_reads() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'content\\_version\\_%'"
        )
        return int(cursor.fetchone()[0])


def _raise_the_version_elsewhere() -> None:
    """A change committed on another connection (another thread's), as by another process."""

    def change() -> None:
        try:
            SessionFactory()
        finally:
            connection.close()

    thread = threading.Thread(target=change)
    thread.start()
    thread.join()


@pytest.mark.postgres_only
def test_the_read_is_prepared_once_and_answered_afresh_each_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL the version is read with a statement the connection prepared, not
    through Django's cursor; a prepared statement is a plan, not an answer, so a change
    committed by another connection is seen by the very next read."""
    start_of_a_request()
    first = version_of(CatalogueVersion)
    monkeypatch.setattr(content_versions, "_read_plain", _not_expected)

    for _ in range(3):
        _raise_the_version_elsewhere()
        now = CatalogueVersion.objects.get(pk=1).value
        assert now > first
        assert version_of(CatalogueVersion) == now
        first = now

    monkeypatch.undo()
    assert _prepared_reads() == 1


@pytest.mark.postgres_only
def test_a_statement_the_server_forgot_is_read_the_ordinary_way_then_prepared_again() -> None:
    start_of_a_request()
    version_of(CatalogueVersion)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as DISCARD ALL or a pooler's other connection would
    _raise_the_version_elsewhere()

    assert version_of(CatalogueVersion) == CatalogueVersion.objects.get(pk=1).value
    assert version_of(CatalogueVersion) == CatalogueVersion.objects.get(pk=1).value
    assert _prepared_reads() == 1


@pytest.mark.postgres_only
def test_inside_a_transaction_the_read_sees_the_transactions_own_change() -> None:
    start_of_a_request()
    before = version_of(CatalogueVersion)
    with transaction.atomic():
        SessionFactory()
        inside = version_of(CatalogueVersion)
        assert inside > before
        assert inside == CatalogueVersion.objects.get(pk=1).value


@pytest.mark.postgres_only
def test_inside_a_transaction_the_read_is_the_ordinary_one_and_aborts_nothing() -> None:
    start_of_a_request()
    version_of(CatalogueVersion)  # prepared
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        value = version_of(CatalogueVersion)
        # The transaction goes on: a refused prepared statement would have aborted it.
        assert CatalogueVersion.objects.get(pk=1).value == value


@pytest.mark.postgres_only
def test_a_statement_already_prepared_under_its_name_is_used() -> None:
    """Through a pooler in transaction mode, the server connection may be one on which
    another client prepared the read: the same name is always the same statement."""
    start_of_a_request()
    version_of(CatalogueVersion)
    connection.close()
    start_of_a_request()
    sql, name = content_versions._statement(CatalogueVersion._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"PREPARE {name.decode()} AS {sql}")
    before = version_of(CatalogueVersion)
    SessionFactory()
    assert version_of(CatalogueVersion) > before


def test_while_queries_are_counted_the_read_is_counted(
    django_assert_num_queries: pytest_django.DjangoAssertNumQueries,
) -> None:
    start_of_a_request()
    version_of(CatalogueVersion)  # the row is there (a flushed database makes it again)
    with django_assert_num_queries(1):
        version_of(CatalogueVersion)


def _not_expected(*args: object) -> None:
    raise AssertionError("read through Django's cursor")
