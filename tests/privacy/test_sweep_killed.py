"""A retention sweep killed with kill -9 in the middle, in a real process: nothing disposed of
without its receipt and audit entry, nothing disposed of twice, and the next sweep finishes
the work with the audit trail intact."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import ROOT, manage, project_env

pytestmark = pytest.mark.processes

RECORDS = 4000
BATCH = 40

SEED = f"""
from datetime import timedelta
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
old = timezone.now() - timedelta(days=400)
DBTaskResult.objects.bulk_create(
    DBTaskResult(
        status="SUCCESSFUL",
        args_kwargs={{"args": [], "kwargs": {{}}}},
        task_path="safeguarding.core.tasks.send_email",
        backend_name="default",
        run_after=old,
        finished_at=old,
    )
    for _ in range({RECORDS})
)
"""

SWEEP = f"""
from safeguarding.privacy.retention.engine import retention_sweep
retention_sweep(batch_size={BATCH})
"""


def _count(database: Path, sql: str) -> int:
    with sqlite3.connect(database, timeout=30) as db:
        return int(db.execute(sql).fetchone()[0])


def _sweep_process(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", SWEEP],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def test_a_sweep_killed_mid_way_leaves_every_disposal_recorded_and_the_next_finishes(
    tmp_path: Path,
) -> None:
    env = project_env(tmp_path)
    database = tmp_path / "db.sqlite3"
    manage("migrate", "--no-input", env=env)
    manage("shell", "-c", SEED, env=env)
    due = _count(database, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult")
    assert due >= RECORDS

    sweep = _sweep_process(env)
    deadline = time.monotonic() + 60
    while _count(database, "SELECT COUNT(*) FROM privacy_destructionreceiptbatch") < 3:
        assert sweep.poll() is None, "the sweep finished before it could be killed"
        assert time.monotonic() < deadline, "the sweep never disposed of a batch"
        time.sleep(0.05)
    os.kill(sweep.pid, signal.SIGKILL)
    sweep.wait(timeout=30)

    left = _count(database, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult")
    assert 0 < left < due, "the kill landed in the middle of the sweep"
    _assert_every_disposal_is_recorded_once(database, disposed=due - left)

    manage("shell", "-c", SWEEP, env=env)

    remaining = _count(database, "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult")
    # Only the sweep's own tasks may remain (none are queued by a shell): every old one went.
    assert remaining == 0
    _assert_every_disposal_is_recorded_once(database, disposed=due)
    assert manage("audit_verify", env=env, check=False).returncode == 0


def _assert_every_disposal_is_recorded_once(database: Path, *, disposed: int) -> None:
    with sqlite3.connect(database, timeout=30) as db:
        batches = db.execute(
            'SELECT receipt_id, count, "references" FROM privacy_destructionreceiptbatch'
        ).fetchall()
        entries = db.execute(
            "SELECT target_id, details FROM audit_auditentry "
            "WHERE action = 'privacy.retention.batch_disposed'"
        ).fetchall()
    references = [ref for _, _, refs in batches for ref in json.loads(refs)]
    assert sum(count for _, count, _ in batches) == disposed
    assert len(references) == len(set(references)) == disposed  # none disposed twice
    # Every batch was audited in its own transaction: one entry per batch, same count.
    assert sorted((str(receipt), count) for receipt, count, _ in batches) == sorted(
        (target, json.loads(details)["count"]) for target, details in entries
    )
