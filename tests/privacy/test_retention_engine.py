"""The retention engine disposes of records when their period ends (P08), except under hold."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import StaffSession, User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_log
from safeguarding.audit.verify import verify_chain
from safeguarding.privacy.models.retention import (
    DestructionReceipt,
    DestructionReceiptBatch,
    LegalHold,
)
from safeguarding.privacy.retention import engine as retention
from safeguarding.privacy.retention.engine import (
    retention_forecast,
    retention_not_automated,
    retention_overdue_count,
    retention_plans,
    retention_sweep,
)
from safeguarding.privacy.retention.services import (
    legal_hold_place,
    retention_period_change,
    retention_period_propose,
    retention_proposal_approve,
)
from safeguarding.workspaces.models import Membership
from tests.privacy.conftest import release_with_approval
from tests.workspaces.factories import sample_membership

pytestmark = pytest.mark.django_db

SIX_YEARS = timedelta(days=365 * 6)
DAY = timedelta(days=1)


def ago(delta: timedelta) -> datetime:
    return timezone.now() - delta


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD)


@pytest.fixture
def task_result() -> Callable[..., DBTaskResult]:
    def make(*, finished: timedelta) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status="SUCCESSFUL",
            args_kwargs={"args": [], "kwargs": {"to": ["someone@example.org"]}},
            task_path="safeguarding.core.tasks.send_email",
            backend_name="default",
            run_after=ago(finished),
            finished_at=ago(finished),
        )

    return make


@pytest.fixture
def membership(make_user: Callable[..., User]) -> Callable[..., Membership]:
    def make(*, revoked: timedelta | None = None, reason: str = "Panel member") -> Membership:
        return sample_membership(
            make_user,
            reason=reason,
            granted_at=ago(SIX_YEARS * 2),
            revoked_at=None if revoked is None else ago(revoked),
            revocation_reason="" if revoked is None else "Left the panel",
        )

    return make


def hold(record: Any, *, actor: User) -> LegalHold:
    return legal_hold_place(
        model_label=record._meta.label,
        record_id=str(record.pk),
        reason="Claim by a former panel member",
        authority="Litigation: claim ref KB-2026-000123",
        review_date=timezone.localdate() + timedelta(days=90),
        actor=actor,
    )


def hold_as_recorded(record: Any, *, actor: User) -> LegalHold:
    """A hold as legal_hold_place records it (which runs in its own transaction), for a
    hold placed while a batch runs."""
    return LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(type(record)),
        object_id=str(record.pk),
        reason="Claim",
        authority="Litigation",
        review_date=date(2099, 1, 1),
        placed_by=actor,
    )


def exists(record: Any) -> bool:
    return type(record)._base_manager.filter(pk=record.pk).exists()


# --- Due or not --------------------------------------------------------------------------------


def test_a_record_a_day_past_its_period_is_deleted(task_result) -> None:
    old = task_result(finished=timedelta(days=7) + DAY)

    retention_sweep()

    assert not exists(old)


def test_a_record_a_day_short_of_its_period_is_kept(task_result) -> None:
    recent = task_result(finished=timedelta(days=7) - DAY)

    retention_sweep()

    assert exists(recent)


def test_a_later_sweep_with_the_same_rules_uses_its_own_cutoff(task_result) -> None:
    """The sweep keeps its "anything due?" statement for the same rules and holds; the
    cutoffs are worked out for each run, so a record falls due at the next run that passes
    its period."""
    now = timezone.now()
    six_days_old = task_result(finished=6 * DAY)

    assert retention_sweep(now=now) == []
    assert exists(six_days_old)
    [receipt] = retention_sweep(now=now + 2 * DAY)

    assert not exists(six_days_old)
    assert receipt.count == 1


def test_a_record_whose_period_has_not_started_is_kept(membership) -> None:
    current = membership(revoked=None)  # access not revoked and no expiry: no trigger yet

    retention_sweep()

    assert exists(current)


def test_the_first_trigger_that_is_set_starts_the_period(membership) -> None:
    expired = membership(revoked=None)
    Membership.objects.filter(pk=expired.pk).update(expires_at=ago(SIX_YEARS + DAY))

    retention_sweep()

    assert not exists(expired)


def test_expired_sessions_and_old_login_attempts_go_too() -> None:
    session = StaffSession.objects.create(
        session_key="k" * 32, session_data="", expire_date=ago(2 * DAY)
    )
    live = StaffSession.objects.create(
        session_key="l" * 32, session_data="", expire_date=timezone.now() + DAY
    )
    attempt = AccessAttempt.objects.create(
        user_agent="test",
        ip_address="192.0.2.1",
        username="someone@example.org",
        http_accept="*/*",
        path_info="/staff/sign-in/",
        get_data="",
        post_data="",
        failures_since_start=3,
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=ago(2 * DAY))
    AccessAttemptExpiration.objects.create(access_attempt=attempt, expires_at=ago(2 * DAY))

    receipts = {r.model_label: r for r in retention_sweep()}

    assert not exists(session)
    assert exists(live)
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert receipts["axes.AccessAttempt"].cascaded == {"axes.AccessAttemptExpiration": 1}


# --- Legal holds -------------------------------------------------------------------------------


def test_a_record_under_legal_hold_is_kept_and_disposed_of_after_release(
    membership, lead: User
) -> None:
    held = membership(revoked=SIX_YEARS + DAY)
    placed = hold(held, actor=lead)

    receipts = retention_sweep()
    assert [r for r in receipts if r.model_label == "workspaces.Membership"] == []
    assert exists(held)
    assert retention_overdue_count() == 0

    release_with_approval(placed, reason="Claim settled", requested_by=lead)
    assert retention_overdue_count() == 1
    retention_sweep()

    assert not exists(held)


def test_a_hold_on_a_record_with_a_uuid_key_is_honoured(task_result, lead: User) -> None:
    held, other = task_result(finished=30 * DAY), task_result(finished=30 * DAY)
    hold(held, actor=lead)

    retention_sweep()

    assert exists(held)
    assert not exists(other)


def test_a_hold_placed_between_batches_is_honoured(membership, lead: User) -> None:
    first, second, third = (membership(revoked=SIX_YEARS + DAY) for _ in range(3))
    hold(third, actor=lead)

    receipts = retention_sweep(batch_size=1)

    assert exists(third)
    assert not exists(first)
    assert not exists(second)
    assert [r.count for r in receipts if r.model_label == "workspaces.Membership"] == [2]


def test_holds_at_batch_boundaries_are_honoured_by_a_plain_delete(
    task_result, lead: User, monkeypatch
) -> None:
    """Task results are deleted by the database's own batches (no key list sent): records
    held before the sweep at the end of one batch and the start of the next are kept, and so
    is one held while the first batch is under way, after that batch has read the holds."""
    created = [task_result(finished=30 * DAY) for _ in range(6)]
    held = [created[1], created[2]]  # batches take rows as stored: in this order
    for record in held:
        hold(record, actor=lead)
    placed: list[LegalHold] = []

    def holds_one_more_during_the_first_batch(real):
        def batch(run, *, batch_size):
            taken = real(run, batch_size=batch_size)
            if run.plan.model is DBTaskResult and not placed:
                left = DBTaskResult.objects.exclude(pk__in=[r.pk for r in held]).order_by("pk")
                placed.append(hold_as_recorded(left.last(), actor=lead))
            return taken

        return batch

    for name in ("_delete_batch_by_rowid", "_delete_batch_in_one_statement"):
        monkeypatch.setattr(
            retention, name, holds_one_more_during_the_first_batch(getattr(retention, name))
        )

    receipts = retention_sweep(batch_size=2)

    kept = {*(str(r.pk) for r in held), placed[0].object_id}
    assert len(kept) == 3
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == kept
    [receipt] = [r for r in receipts if r.model_label == "django_tasks_database.DBTaskResult"]
    assert receipt.count == 3
    assert sorted(receipt.references()) == sorted({str(r.pk) for r in created} - kept)
    assert verify_chain().ok


@pytest.fixture
def analysed() -> Any:
    """Analyse a table (PostgreSQL: its statistics are what make a plain delete take it in
    ranges of blocks), and again afterwards, so that no later test finds the statistics of
    rows this test's rolled-back transaction held."""
    tables: list[str] = []

    def analyse(model: Any) -> None:
        if connection.vendor == "postgresql":
            tables.append(connection.ops.quote_name(model._meta.db_table))
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {tables[-1]}")

    yield analyse
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  (a model's table)
            cursor.execute(f"ANALYZE {table}")


def test_a_large_plain_delete_is_taken_in_ranges_each_scanned_once(
    lead: User, analysed, monkeypatch
) -> None:
    """Past a batch's worth, a plain delete takes the table in ranges of row addresses
    (PostgreSQL: of blocks, once its statistics say it holds more rows than a batch; SQLite:
    of row ids, after a first full batch) rather than finding each batch from the start
    again. Rows past a gap, rows stored while the sweep runs (past where the table ended when
    the ranges were worked out: the last range is open-ended), and only due rows not under a
    hold, whether placed before the sweep or while a range is deleted, are taken."""

    def stored(*, finished: timedelta) -> DBTaskResult:
        # Rows of ~1 kB, so that on PostgreSQL the table spans blocks (~7 rows in each).
        return DBTaskResult.objects.create(
            status="SUCCESSFUL",
            args_kwargs={"args": ["x" * 1000], "kwargs": {}},
            task_path="safeguarding.core.tasks.send_email",
            backend_name="default",
            run_after=ago(finished),
            finished_at=ago(finished),
        )

    if connection.vendor == "postgresql":
        # A table of its own for this test's transaction (TRUNCATE is transactional there),
        # so that rows are laid out in the order they are stored: in a table earlier tests
        # have used, a row may go into space a vacuum freed near the start, and the row this
        # test holds "in a later range" would sit in the first one.
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(DBTaskResult._meta.db_table)}")
    rows = [stored(finished=30 * DAY) for _ in range(70)]
    not_due = [stored(finished=DAY) for _ in range(3)]
    gap = rows[30:40]  # deleted before the sweep: a gap in the row ids (dead rows on PostgreSQL)
    DBTaskResult.objects.filter(pk__in=[r.pk for r in gap]).delete()
    held_before = hold(rows[12], actor=lead)
    analysed(DBTaskResult)
    later: list[DBTaskResult] = []
    held_during: list[LegalHold] = []

    def stores_and_holds_during_the_first_range(real):
        def batch(run, *, batch_size):
            taken = real(run, batch_size=batch_size)
            if run.plan.model is DBTaskResult and run.span is not None and not later:
                later.extend(stored(finished=30 * DAY) for _ in range(3))
                held_during.append(hold_as_recorded(rows[-1], actor=lead))
            return taken

        return batch

    for name in ("_delete_batch_by_rowid", "_delete_batch_in_one_statement"):
        monkeypatch.setattr(
            retention, name, stores_and_holds_during_the_first_range(getattr(retention, name))
        )

    with CaptureQueriesContext(connection) as asked:
        receipts = retention_sweep(batch_size=10)

    kept = {rows[12].pk, rows[-1].pk, *(r.pk for r in not_due)}
    assert held_before.object_id == str(rows[12].pk)
    assert len(later) == 3
    assert len(held_during) == 1
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == kept
    [receipt] = [r for r in receipts if r.model_label == "django_tasks_database.DBTaskResult"]
    taken = {str(r.pk) for r in [*rows, *later]} - {str(r.pk) for r in gap} - {str(k) for k in kept}
    assert receipt.count == len(taken) == 60 + 3 - 2
    assert sorted(receipt.references()) == sorted(taken)
    address = "ctid >=" if connection.vendor == "postgresql" else "rowid >="
    in_ranges = [q["sql"] for q in asked.captured_queries if address in q["sql"]]
    assert len(in_ranges) >= 5  # a range at a time, not the table in one batch
    assert all(q.startswith(("DELETE", "WITH gone AS (DELETE")) for q in in_ranges)
    assert verify_chain().ok


# --- Anonymise and keep ------------------------------------------------------------------------


def test_anonymise_keeps_the_row_and_blanks_the_declared_fields(lead: User, membership) -> None:
    record = membership(revoked=None)
    old = hold(record, actor=lead)
    release_with_approval(old, reason="Claim withdrawn by Jane Example", requested_by=lead)
    LegalHold.objects.filter(pk=old.pk).update(released_at=ago(SIX_YEARS + DAY))

    receipts = retention_sweep()

    old.refresh_from_db()
    assert old.reason == "[removed]"
    assert old.authority == "[removed]"
    assert old.release_reason == ""
    assert old.scope_label == ""
    assert old.placed_by is None
    assert old.released_by is None
    assert old.object_id == str(record.pk)  # what was held, and when, stays on record
    assert old.released_at is not None
    assert [(r.model_label, r.action, r.count) for r in receipts] == [
        ("privacy.LegalHold", "anonymise", 1)
    ]


def test_an_anonymised_row_is_not_anonymised_again(lead: User, membership) -> None:
    old = hold(membership(revoked=None), actor=lead)
    release_with_approval(old, reason="Done", requested_by=lead)
    LegalHold.objects.filter(pk=old.pk).update(released_at=ago(SIX_YEARS + DAY))
    retention_sweep()

    assert retention_sweep() == []


def test_keep_rules_never_dispose() -> None:
    audit_log(action="tests.thing.happened", actor=None, details={"n": 1})

    before = AuditEntry.objects.count()
    retention_sweep(now=timezone.now() + timedelta(days=365 * 100))

    keep = [p for p in retention_plans() if p.rule.key == "audit_trail"]
    assert keep
    assert not any(plan.automated for plan in keep)
    assert AuditEntry.objects.count() == before + 1  # only the sweep's own entry


def test_declarations_the_engine_cannot_dispose_of_are_reported() -> None:
    plans = {plan.model_label: plan for plan in retention_plans()}
    not_automated = {label: why for label, _rule, why in retention_not_automated()}

    for label, why in not_automated.items():
        assert plans[label].declaration.retention_trigger is None
        assert why == "no retention trigger is declared"
    assert "accounts.User" not in not_automated  # anonymised two years after it is disabled
    assert "audit.AuditEntry" not in not_automated  # kept by rule, not a gap


# --- Receipts and the audit trail --------------------------------------------------------------


def test_the_receipt_holds_no_personal_data_and_is_chained_into_the_audit_trail(
    membership,
) -> None:
    record = membership(revoked=SIX_YEARS + DAY, reason="Jane Example's case review")
    person = record.user

    [receipt] = retention_sweep()

    assert receipt.rule_key == "workspace_membership"
    assert receipt.model_label == "workspaces.Membership"
    assert receipt.action == "delete"
    assert receipt.count == 1
    assert list(receipt.references()) == [str(record.pk)]
    assert receipt.finished_at is not None
    stored = json.dumps(
        {
            "receipt": DestructionReceipt.objects.filter(pk=receipt.pk).values().get(),
            "batches": list(receipt.batches.values("references", "count")),
        },
        default=str,
    )
    for personal in ("Jane", person.email, person.full_name, "Left the panel"):
        assert personal not in stored
    entry = AuditEntry.objects.get(sequence=receipt.audit_sequence)
    assert entry.action == "privacy.retention.disposed"
    assert entry.target_type == "privacy.destructionreceipt"
    assert entry.target_id == str(receipt.pk)
    assert entry.details == {
        "rule": "workspace_membership",
        "model": "workspaces.Membership",
        "action": "delete",
        "count": 1,
        "receipt": receipt.pk,
    }
    assert verify_chain().ok


def test_session_keys_are_not_kept_in_receipts() -> None:
    StaffSession.objects.create(session_key="s" * 32, session_data="", expire_date=ago(2 * DAY))

    [receipt] = retention_sweep()

    assert receipt.count == 1
    assert receipt.references_withheld
    assert list(receipt.references()) == []


def test_large_runs_are_disposed_of_in_batches_with_one_receipt(task_result) -> None:
    results = [task_result(finished=30 * DAY) for _ in range(5)]

    [receipt] = retention_sweep(batch_size=2)

    assert receipt.count == 5
    assert receipt.batches.count() == 3
    assert sorted(receipt.references()) == sorted(str(r.pk) for r in results)


def test_a_sweep_with_nothing_due_asks_the_database_a_handful_of_statements(task_result) -> None:
    """One statement finds which rules have anything due (not one or two per rule), so a
    sweep with nothing to do costs the same whatever the number of rules."""
    task_result(finished=30 * DAY)
    retention_sweep()
    with CaptureQueriesContext(connection) as asked:
        assert retention_sweep() == []
    assert len(asked.captured_queries) <= 8
    assert len(retention.retention_plans()) > 20


@pytest.mark.postgres_only
def test_each_batch_deletes_and_writes_its_receipt_line_in_one_statement(
    task_result,
) -> None:
    """PostgreSQL: every batch's delete and its line on the receipt (with the keys it
    deleted) are one statement, which finds the batch's rows itself: no key list is sent."""
    results = [task_result(finished=30 * DAY) for _ in range(5)]

    with CaptureQueriesContext(connection) as asked:
        [receipt] = retention_sweep(batch_size=2)

    statements = [query["sql"] for query in asked.captured_queries]
    deletes = [sql for sql in statements if sql.startswith("WITH gone AS (DELETE")]
    assert len(deletes) == 3
    assert [" line AS (INSERT INTO" in sql for sql in deletes] == [True, True, True]
    assert all("ANY(ARRAY(SELECT" in sql for sql in deletes)
    assert not [sql for sql in statements if "DELETE" in sql and sql not in deletes]
    assert [batch.count for batch in receipt.batches.all()] == [2, 2, 1]
    assert sorted(receipt.references()) == sorted(str(r.pk) for r in results)
    assert not DBTaskResult.objects.exists()
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_sweep_killed_between_batches_leaves_no_disposal_without_its_audit_entry(
    task_result, monkeypatch
) -> None:
    for _ in range(4):
        task_result(finished=30 * DAY)
    calls = []

    def dies_on_the_second_batch(real):
        def batch(run, *, batch_size):
            if run.plan.model is DBTaskResult:
                calls.append(batch_size)
                if len(calls) == 2:
                    raise RuntimeError("the worker was killed")
            return real(run, batch_size=batch_size)

        return batch

    # Whichever path disposes of task results on this database.
    for name in ("_dispose_batch", "_delete_batch_by_rowid", "_delete_batch_in_one_statement"):
        monkeypatch.setattr(retention, name, dies_on_the_second_batch(getattr(retention, name)))

    with pytest.raises(RuntimeError):
        retention_sweep(batch_size=2)

    [batch] = DestructionReceiptBatch.objects.all()
    [entry] = AuditEntry.objects.filter(action="privacy.retention.batch_disposed")
    assert entry.target_id == str(batch.receipt_id)
    assert entry.details["count"] == batch.count == 2
    assert not AuditEntry.objects.filter(action="privacy.retention.disposed").exists()


def test_audit_entries_about_a_disposed_record_are_redacted(membership) -> None:
    disposed = membership(revoked=SIX_YEARS + DAY)
    kept = membership(revoked=None)
    about_disposed = audit_log(
        action="workspaces.membership.granted",
        actor=None,
        target=disposed,
        reason="Jane Example needs access",
        details={"note": "Jane's review"},
    )
    about_kept = audit_log(
        action="workspaces.membership.granted", actor=None, target=kept, details={"note": "x"}
    )

    [receipt] = retention_sweep()

    about_disposed.refresh_from_db()
    about_kept.refresh_from_db()
    assert about_disposed.details == {"redacted": True}
    assert about_disposed.reason == ""
    assert f"receipt {receipt.pk}" in about_disposed.redaction_reason
    assert about_kept.redacted_at is None
    assert verify_chain().ok


# --- Overrides, forecast, idempotence -----------------------------------------------------------


def test_an_approved_shorter_period_changes_what_is_due(
    task_result, lead: User, make_user: Callable[..., User]
) -> None:
    three_days_old = task_result(finished=3 * DAY)
    retention_sweep()
    assert exists(three_days_old)

    proposal = retention_period_propose(
        rule_key="task_results", days=2, reason="Council schedule 2026", actor=lead
    )
    retention_proposal_approve(proposal=proposal, actor=make_user(Role.DATA_PROTECTION_LEAD))
    [receipt] = retention_sweep()

    assert not exists(three_days_old)
    assert receipt.period_days == 2


def test_a_longer_override_keeps_records_the_default_would_dispose_of(
    task_result, lead: User
) -> None:
    ten_days_old = task_result(finished=10 * DAY)
    retention_period_change(rule_key="task_results", days=30, reason="Diagnosis", actor=lead)

    retention_sweep()

    assert exists(ten_days_old)


def test_the_forecast_counts_what_will_be_disposed_of(task_result, membership, lead) -> None:
    task_result(finished=8 * DAY)  # due now
    task_result(finished=6 * DAY)  # due tomorrow
    held = task_result(finished=7 * DAY + timedelta(hours=1))  # due now, but held
    hold(held, actor=lead)
    task_result(finished=DAY)  # due in six days
    membership(revoked=SIX_YEARS - 60 * DAY)  # due in 60 days: outside the forecast

    lines = {line.model_label: line for line in retention_forecast(days=30)}

    tasks = lines["django_tasks_database.DBTaskResult"]
    assert (tasks.rule_key, tasks.action) == ("task_results", "delete")
    assert (tasks.due_now, tasks.due, tasks.held) == (1, 3, 1)
    assert "workspaces.Membership" not in lines


def test_the_forecast_changes_nothing(task_result) -> None:
    old = task_result(finished=30 * DAY)

    retention_forecast(days=30)

    assert exists(old)


def test_the_sweep_is_idempotent(task_result, membership) -> None:
    task_result(finished=30 * DAY)
    membership(revoked=SIX_YEARS + DAY)
    first = retention_sweep()
    remaining = (DBTaskResult.objects.count(), Membership.objects.count())

    second = retention_sweep()

    assert len(first) == 2
    assert second == []
    assert (DBTaskResult.objects.count(), Membership.objects.count()) == remaining
    assert DestructionReceipt.objects.count() == 2
    assert retention_overdue_count() == 0


def test_every_run_is_on_record_even_when_nothing_is_due() -> None:
    retention_sweep()

    entry = AuditEntry.objects.filter(action="privacy.retention.swept").get()
    assert entry.details == {"receipts": [], "disposed": 0}


def test_an_unknown_hold_target_id_holds_nothing(task_result, lead: User) -> None:
    old = task_result(finished=30 * DAY)
    LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(DBTaskResult),
        object_id="not-a-uuid",
        reason="Typed by hand",
        authority="Test",
        review_date=date(2099, 1, 1),
        placed_by=lead,
    )

    retention_sweep()

    assert not exists(old)


@pytest.mark.django_db(transaction=True)
def test_the_daily_job_runs_the_sweep_in_a_worker(run_tasks) -> None:
    from safeguarding.privacy.retention.jobs import retention_sweep as job

    stale = DBTaskResult.objects.create(
        status="SUCCESSFUL",
        args_kwargs={},
        task_path="x",
        backend_name="default",
        run_after=ago(30 * DAY),
        finished_at=ago(30 * DAY),
        id=uuid.uuid4(),
    )
    job.enqueue()

    run_tasks()

    assert not exists(stale)
    assert DBTaskResult.objects.get(task_path__endswith="retention_sweep").status == "SUCCESSFUL"
    assert DestructionReceipt.objects.filter(rule_key="task_results").count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_hold_committed_while_a_batch_runs_wins(membership, lead: User) -> None:
    record = membership(revoked=SIX_YEARS + DAY)
    locked, finish = threading.Event(), threading.Event()

    def place_hold_slowly() -> None:
        # What legal_hold_place does, with a pause between locking the record and committing.
        try:
            with transaction.atomic():
                Membership.objects.select_for_update().get(pk=record.pk)
                LegalHold.objects.create(
                    content_type=ContentType.objects.get_for_model(Membership),
                    object_id=str(record.pk),
                    reason="Claim",
                    authority="Litigation",
                    review_date=date(2099, 1, 1),
                    placed_by=lead,
                )
                locked.set()
                finish.wait(timeout=10)
        finally:
            connection.close()

    placer = threading.Thread(target=place_hold_slowly)
    placer.start()
    assert locked.wait(timeout=10)
    threading.Timer(0.5, finish.set).start()  # commit the hold while the sweep is under way
    try:
        receipts = retention_sweep()
    finally:
        finish.set()
        placer.join()

    assert exists(record)
    assert [r for r in receipts if r.model_label == "workspaces.Membership"] == []


# --- Legal holds and cascades -------------------------------------------------------------------


def unconfirmed_sign_up(email: str) -> Any:
    """A newsletter sign-up never confirmed and past its 7 days; deleting it cascades to its
    consent record."""
    from tests.newsletter.factories import confirmed_subscriber

    subscriber = confirmed_subscriber(email)
    type(subscriber).objects.filter(pk=subscriber.pk).update(
        confirmed_at=None, created_at=ago(8 * DAY)
    )
    subscriber.consents.update(confirmed_at=None, given_at=ago(8 * DAY))
    return subscriber


def test_a_hold_on_a_record_a_deletion_would_cascade_to_keeps_both(lead: User) -> None:
    kept = unconfirmed_sign_up("held@example.net")
    consent = kept.consents.get()
    placed = hold(consent, actor=lead)
    gone = unconfirmed_sign_up("gone@example.net")

    retention_sweep()

    assert exists(kept)
    assert exists(consent)
    assert not exists(gone)
    assert retention_overdue_count() == 0  # kept for the hold, so not overdue (P08)

    release_with_approval(placed, reason="Complaint closed", requested_by=lead)
    assert retention_overdue_count() == 2  # the subscriber and its consent record
    retention_sweep()

    assert not exists(kept)
    assert not exists(consent)


def test_records_kept_for_a_held_dependent_do_not_stall_the_sweep(lead: User) -> None:
    held = [unconfirmed_sign_up(f"held{n}@example.net") for n in range(3)]
    for subscriber in held:
        hold(subscriber.consents.get(), actor=lead)
    gone = [unconfirmed_sign_up(f"gone{n}@example.net") for n in range(2)]

    receipts = retention_sweep(batch_size=1)

    assert all(exists(subscriber) for subscriber in held)
    assert not any(exists(subscriber) for subscriber in gone)
    [receipt] = [r for r in receipts if r.model_label == "newsletter.Subscriber"]
    assert receipt.count == 2


def test_audit_entries_about_cascaded_records_are_redacted(lead: User) -> None:
    subscriber = unconfirmed_sign_up("gone@example.net")
    consent = subscriber.consents.get()
    consent.given_at = timezone.now()  # not due itself: it goes only with the subscriber
    consent.save()
    audit_log(
        action="tests.thing.changed",
        actor=None,
        target=consent,
        details={"evidence": "Signed form from gone@example.net"},
    )

    retention_sweep()

    entry = AuditEntry.objects.get(action="tests.thing.changed")
    assert entry.redacted_at is not None
    assert "gone@example.net" not in json.dumps(entry.details)
    assert verify_chain().ok
