"""How the record that a message was sent is committed on PostgreSQL: with
NEWSLETTER_SENT_SYNCHRONOUS_COMMIT, in that transaction alone (see ``sending._mark_sent``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import pytest_django.fixtures
from django.db import connection

from safeguarding.newsletter import sending
from safeguarding.newsletter.models import Delivery, DeliveryState
from tests.newsletter.factories import campaign, confirmed_subscriber
from tests.smtp import Mailbox

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

WRITES = ("UPDATE", "INSERT", "DELETE")


def _server_setting() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return str(cursor.fetchone()[0])


class WritesSeen:
    """For every write run through a connection it watches: the statement and the
    synchronous_commit in force when its transaction commits, asked on the same connection
    just after the statement. A write in autocommit (its own transaction, committed as it
    ends) is run here in an explicit transaction instead, so that it can be asked before
    that transaction ends."""

    def __init__(self) -> None:
        self.writes: list[tuple[str, str]] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not any(part.lstrip().upper().startswith(WRITES) for part in sql.split(";")):
            return execute(sql, params, many, context)
        database = context["connection"]
        autocommit = database.get_autocommit()
        # Cursors of its own, so the statement's row count is left as it was.
        if autocommit:
            with database.connection.cursor() as cursor:
                cursor.execute("BEGIN")
        result = execute(sql, params, many, context)
        with database.connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            self.writes.append((sql, cursor.fetchone()[0]))
            if autocommit:
                cursor.execute("COMMIT")
        return result

    def of_sent_records(self) -> list[str]:
        return [setting for sql, setting in self.writes if _records_sent(sql)]

    def of_the_rest(self) -> list[str]:
        return [setting for sql, setting in self.writes if not _records_sent(sql)]


def _records_sent(sql: str) -> bool:
    table = connection.ops.quote_name(Delivery._meta.db_table)
    return f"UPDATE {table} SET" in sql and (
        connection.ops.quote_name("sent_at") in sql.split("WHERE")[0]
    )


@pytest.mark.parametrize("mode", ["off", "on"])
def test_only_the_sent_record_commits_as_the_setting_says(
    mode: str,
    smtp_server: Mailbox,
    settings: pytest_django.fixtures.Settings,
) -> None:
    settings.NEWSLETTER_SENT_SYNCHRONOUS_COMMIT = mode
    server_setting = _server_setting()
    made = campaign()
    for n in range(3):
        confirmed_subscriber(f"reader{n}@example.net")
    sending.campaign_start(campaign_id=made.pk, actor=None)
    seen = WritesSeen()
    with connection.execute_wrapper(seen):  # the records are written on this connection too
        assert sending.campaign_send_batch(campaign_id=made.pk) == 3

    assert len(smtp_server.messages) == 3
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}
    assert seen.of_sent_records()
    assert set(seen.of_sent_records()) == {mode}
    # The claim, the hand-back and the campaign's own rows: the server's setting.
    assert len(seen.of_the_rest()) >= 2
    assert set(seen.of_the_rest()) == {server_setting}
    assert _server_setting() == server_setting  # nothing left behind on the connection
