"""Several workers send one campaign at once, with real processes: NEWSLETTER_PARALLEL_BATCHES
batches are queued, each worker claims rows no other holds (the campaign's row lock on
PostgreSQL, the write lock on SQLite), and every recipient gets the message exactly once.
On PostgreSQL (when the tests run there) the workers use a database of their own on the
same server; otherwise a SQLite file."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.processes import ROOT, manage, project_env, workers_database
from tests.smtp import SMTPSink

pytestmark = pytest.mark.processes

RECIPIENTS = 300
WORKERS = 3
WORKER = [sys.executable, "manage.py", "run_worker", "--no-startup-delay"]

STATE = """
from safeguarding.newsletter.models import Campaign
print(Campaign.objects.get().state)
"""
# How many workers sent messages: batches that sent something, by the workers that ran them.
SENDERS = """
from django_tasks_db.models import DBTaskResult
from safeguarding.newsletter.sending import send_campaign_batch_path
done = DBTaskResult.objects.filter(task_path=send_campaign_batch_path(), return_value__gt=0)
print(len({worker for ids in done.values_list("worker_ids", flat=True) for worker in ids}))
"""


def test_several_workers_share_one_campaign_and_send_each_message_once(tmp_path: Path) -> None:
    sink = SMTPSink().start()
    try:
        with workers_database(tmp_path, "parallel") as database_url:
            env = project_env(
                tmp_path,
                DATABASE_URL=database_url,
                DEMO_MODE="true",
                EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
                NEWSLETTER_RATE_PER_SECOND="0",
                NEWSLETTER_BATCH_SIZE="10",
                NEWSLETTER_PARALLEL_BATCHES=str(WORKERS),
            )
            manage("migrate", "--no-input", env=env)
            manage("seed_demo_newsletter", "--readers", str(RECIPIENTS), "--start", env=env)
            workers = [
                subprocess.Popen(  # noqa: S603
                    [*WORKER, "--interval", "0.1"],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(WORKERS)
            ]
            try:
                deadline = time.monotonic() + 120
                while "finished" not in manage("shell", "-c", STATE, env=env).stdout:
                    assert time.monotonic() < deadline, "the campaign did not finish"
                    assert all(w.poll() is None for w in workers), "a worker stopped"
                    time.sleep(0.5)
                time.sleep(1)  # anything extra would arrive now
            finally:
                for w in workers:
                    w.terminate()
                for w in workers:
                    w.wait(timeout=30)
            senders = int(manage("shell", "-c", SENDERS, env=env).stdout.split()[-1])
    finally:
        sink.stop()

    per_address = Counter(rcpt for _, rcpts in sink.mailbox.envelopes for rcpt in rcpts)
    assert len(per_address) == RECIPIENTS  # nobody skipped
    assert set(per_address.values()) == {1}  # nobody twice: no two workers held one row
    assert senders >= 2  # the campaign was shared, not sent by one worker alone
