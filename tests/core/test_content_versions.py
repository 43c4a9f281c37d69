"""A content version (core/content_versions.py) is read with one statement: on a connection
kept from an earlier request, that read is the connection's health check too, and a
connection that died since is replaced, as Django's own check would."""

from __future__ import annotations

import pytest
from django.db import connection

from safeguarding.core.content_versions import version_of
from safeguarding.training.models import CatalogueVersion

pytestmark = pytest.mark.django_db(transaction=True)  # no test transaction: as in a request


def start_of_a_request() -> None:
    """What Django does to a kept connection when a request starts (CONN_HEALTH_CHECKS)."""
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
