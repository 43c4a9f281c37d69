"""Crash safety with real processes: a db_worker sending a campaign is killed with SIGKILL,
the campaign is resumed, and every recipient gets the message exactly once.

The kill lands between two messages (half a rate-limit interval after the sink received
one). A kill in the one-round-trip window between the server accepting a message and the
worker recording it would send that one message twice, with the same Message-ID: see
safeguarding/newsletter/sending.py and test_campaigns.py.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.processes import ROOT, manage, project_env
from tests.smtp import SMTPSink

pytestmark = pytest.mark.processes

RECIPIENTS = 120
RATE = 20  # messages per second

RESUME = """
from safeguarding.newsletter.models import Campaign
from safeguarding.newsletter.sending import campaign_resume
campaign_resume(campaign_id=Campaign.objects.get().pk, actor=None)
"""
STATE = """
from safeguarding.newsletter.models import Campaign
from safeguarding.newsletter.sending import campaign_progress
c = Campaign.objects.get()
print(c.state, campaign_progress(c))
"""


def worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition: object, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


def test_a_killed_worker_resumed_sends_every_remaining_message_exactly_once(
    tmp_path: Path,
) -> None:
    sink = SMTPSink().start()
    try:
        env = project_env(
            tmp_path,
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            NEWSLETTER_RATE_PER_SECOND=str(RATE),
            NEWSLETTER_BATCH_SIZE="25",
            NEWSLETTER_CLAIM_SECONDS="5",
        )
        manage("migrate", "--no-input", env=env)
        manage("seed_demo_newsletter", "--readers", str(RECIPIENTS), "--start", env=env)

        first = worker(env)
        try:
            wait_for(lambda: len(sink.mailbox.messages) >= 30, timeout=60)
            seen = len(sink.mailbox.messages)
            wait_for(lambda: len(sink.mailbox.messages) > seen, timeout=10)
            time.sleep(0.5 / RATE)  # between two messages
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        left = manage("shell", "-c", STATE, env=env).stdout
        assert "sending" in left
        assert "'remaining': 0" not in left

        resumed = manage("shell", "-c", RESUME, env=env, check=False)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        second = worker(env)
        try:
            wait_for(lambda: len(sink.mailbox.messages) >= RECIPIENTS, timeout=90)
            time.sleep(1)  # anything extra would arrive now
            wait_for(
                lambda: "finished {'sent': 120," in manage("shell", "-c", STATE, env=env).stdout,
                timeout=30,
            )
        finally:
            second.terminate()
            second.wait(timeout=20)
    finally:
        sink.stop()

    per_address = Counter(rcpt for _, rcpts in sink.mailbox.envelopes for rcpt in rcpts)
    assert len(per_address) == RECIPIENTS
    assert set(per_address.values()) == {1}
