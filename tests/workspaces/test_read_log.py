"""The read log: reads are logged in bulk outside the audit chain's lock, and each past day
is sealed into the chain so that any later change is found."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.verify import verify_chain
from safeguarding.core.scheduler import registered_jobs
from safeguarding.workspaces.models import ReadLog, Workspace
from safeguarding.workspaces.read_log import SEALED, read_log_seal, verify_read_log
from safeguarding.workspaces.selectors import log_reads, restricted_for_user
from tests.audit.helpers import tampering
from tests.clock import at_london
from tests.workspaces.restricted_model import CaseFile

pytestmark = pytest.mark.django_db

MONDAY = date(2027, 3, 8)


def seals() -> list[dict]:
    return list(
        AuditEntry.objects.filter(action=SEALED)
        .order_by("sequence")
        .values_list("details", flat=True)
    )


@pytest.fixture
def read_on(clock, lead: User, workspace: Workspace) -> Callable[..., None]:
    """Log ``count`` reads of the workspace by its lead at noon (London) on ``day``."""

    def read(day: date, count: int = 1, *, purpose: str = "view") -> None:
        clock.move_to(at_london(day.year, day.month, day.day, 12))
        log_reads(lead, [workspace] * count, purpose, workspace_field="pk")

    return read


@pytest.fixture
def sealed_week(read_on: Callable[..., None], clock) -> None:
    """Reads on Monday (3), none on Tuesday, 2 on Wednesday; sealed on Thursday night."""
    read_on(MONDAY, 3)
    read_on(MONDAY + timedelta(days=2), 2)
    clock.move_to(at_london(2027, 3, 11, 3))
    read_log_seal()


# --- Writing reads -----------------------------------------------------------------------------


@pytest.mark.usefixtures("case_file_table")
def test_a_list_of_fifty_records_is_one_insert_and_no_audit_entry(
    django_assert_num_queries, workspace: Workspace, lead: User
) -> None:
    CaseFile.objects.bulk_create(
        CaseFile(workspace=workspace, title=f"Case file {n}") for n in range(50)
    )
    page = list(restricted_for_user(CaseFile.objects.all(), user=lead))
    entries = AuditEntry.objects.count()

    with django_assert_num_queries(1) as queries:
        logged = log_reads(lead, page, "list")

    assert logged == 50
    assert queries.captured_queries[0]["sql"].startswith('INSERT INTO "workspaces_readlog"')
    assert ReadLog.objects.filter(user=lead, purpose="list").count() == 50
    assert AuditEntry.objects.count() == entries  # the chain was not touched


def test_a_read_needs_a_purpose(lead: User, workspace: Workspace) -> None:
    with pytest.raises(ValueError, match="purpose"):
        log_reads(lead, [workspace], " ", workspace_field="pk")


# --- Sealing -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("sealed_week")
def test_each_past_day_is_sealed_by_one_audit_entry() -> None:
    assert [(s["day"], s["rows"]) for s in seals()] == [
        ("2027-03-08", 3),
        ("2027-03-09", 0),  # a day without reads is sealed too
        ("2027-03-10", 2),
    ]
    assert all(len(s["digest"]) == 64 for s in seals())
    assert verify_read_log().ok
    assert verify_read_log().days_checked == 3
    assert verify_chain().ok


@pytest.mark.usefixtures("sealed_week")
def test_sealing_again_seals_only_new_days(read_on, clock) -> None:
    assert read_log_seal() == []  # today (Thursday) is not over

    read_on(date(2027, 3, 11), 1)
    clock.move_to(at_london(2027, 3, 12, 3))
    [seal] = read_log_seal()

    assert (seal.day, seal.rows) == (date(2027, 3, 11), 1)
    assert len(seals()) == 4


def test_nothing_to_seal_before_the_first_read(clock) -> None:
    assert read_log_seal() == []
    assert verify_read_log().ok


def test_todays_reads_wait_for_tomorrow(read_on, clock) -> None:
    read_on(MONDAY, 2)
    clock.move_to(at_london(2027, 3, 8, 23, 59))
    assert read_log_seal() == []


def test_days_follow_london_not_utc(read_on, clock, lead: User, workspace: Workspace) -> None:
    # 00:30 in London in summer is 23:30 UTC the day before: it belongs to the London day.
    clock.move_to(at_london(2027, 7, 1, 0, 30))
    log_reads(lead, [workspace], "view", workspace_field="pk")
    clock.move_to(at_london(2027, 7, 2, 3))

    [seal] = read_log_seal()

    assert (seal.day, seal.rows) == (date(2027, 7, 1), 1)


# --- Verification ------------------------------------------------------------------------------


def wednesday_read() -> ReadLog:
    return ReadLog.objects.filter(occurred_at__date__gte=date(2027, 3, 10)).first()  # type: ignore[return-value]


@pytest.mark.usefixtures("sealed_week")
@pytest.mark.parametrize(
    "tamper",
    [
        lambda: ReadLog.objects.filter(pk=wednesday_read().pk).update(purpose="list"),
        lambda: ReadLog.objects.filter(pk=wednesday_read().pk).update(
            occurred_at=at_london(2027, 3, 10, 13)
        ),
        lambda: ReadLog.objects.filter(pk=wednesday_read().pk).delete(),
        lambda: ReadLog.objects.create(
            user=wednesday_read().user,
            workspace=wednesday_read().workspace,
            target_type="workspaces.workspace",
            target_id="1",
            purpose="view",
            occurred_at=at_london(2027, 3, 10, 9),
        ),
    ],
    ids=["altered", "re-timed", "deleted", "added"],
)
def test_a_change_to_a_sealed_day_is_found(tamper: Callable[[], object]) -> None:
    with tampering():
        tamper()

    result = verify_read_log()

    assert not result.ok
    assert result.first_bad_day == date(2027, 3, 10)
    assert result.days_checked == 2


@pytest.mark.usefixtures("sealed_week")
def test_reads_slipped_into_a_day_before_the_first_seal_are_found() -> None:
    with tampering():
        read = wednesday_read()
        ReadLog.objects.create(
            user=read.user,
            workspace=read.workspace,
            target_type="workspaces.workspace",
            target_id="1",
            purpose="view",
            occurred_at=at_london(2027, 3, 1, 9),
        )

    result = verify_read_log()

    assert (result.ok, result.first_bad_day) == (False, date(2027, 3, 1))
    assert result.problem == "reads on a day that was never sealed"


@pytest.mark.usefixtures("sealed_week")
def test_the_command_names_the_first_day_that_does_not_match(capsys) -> None:
    call_command("verify_read_log")
    assert "3 sealed day(s) match" in capsys.readouterr().out

    with tampering():
        ReadLog.objects.filter(occurred_at__date__lt=date(2027, 3, 9)).update(target_id="999")

    with pytest.raises(CommandError, match="2027-03-08"):
        call_command("verify_read_log")


# --- The database and the scheduler ------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE workspaces_readlog SET purpose = 'list'",
        "DELETE FROM workspaces_readlog",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_read(
    lead: User, workspace: Workspace, statement: str
) -> None:
    log_reads(lead, [workspace], "view", workspace_field="pk")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert ReadLog.objects.filter(purpose="view").count() == 1


def test_the_seal_runs_daily() -> None:
    assert "workspaces.seal_read_log" in {job.name for job in registered_jobs()}


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_seals_in_a_worker(run_tasks, make_workspace, make_user) -> None:
    from safeguarding.workspaces.jobs import seal_read_log_job

    lead = make_user()
    workspace = make_workspace(lead=lead)
    yesterday = timezone.now() - timedelta(days=1)
    ReadLog.objects.create(
        user=lead,
        workspace=workspace,
        target_type="workspaces.workspace",
        target_id=str(workspace.pk),
        purpose="view",
        occurred_at=yesterday,
    )

    seal_read_log_job.enqueue()
    run_tasks()

    assert [s["rows"] for s in seals()] == [1]
    assert verify_read_log().ok
