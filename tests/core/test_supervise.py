"""``manage.py supervise`` (the worker line of Procfile.dev, run by make run): a worker killed
with SIGKILL is started again and picks up the next task; SIGTERM stops the supervisor and
the worker with it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.processes import ROOT, manage, project_env
from tests.smtp import SMTPSink

pytestmark = pytest.mark.processes

SEND = """
from safeguarding.core.tasks import send_email
send_email.enqueue(subject="Supervised {n}", body="Hello", to=["someone@example.org"])
"""


class _Output:
    """The supervisor's output, read as it comes."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.lines.append(line)

    def finish(self) -> None:
        self._thread.join(timeout=10)

    def pids(self) -> list[int]:
        return [int(m) for line in self.lines for m in re.findall(r"\(pid (\d+)\)", line)]


def _wait_for(condition: object, *, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


def test_a_killed_worker_is_started_again_and_sigterm_stops_both(tmp_path: Path) -> None:
    sink = SMTPSink().start()
    env = project_env(tmp_path, EMAIL_URL=f"smtp://127.0.0.1:{sink.port}")
    manage("migrate", "--no-input", env=env)
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "supervise",
            "--",
            sys.executable,
            "manage.py",
            "run_worker",
            "--no-startup-delay",
            "--interval",
            "0.2",
        ],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = _Output(supervisor)
    try:
        _wait_for(lambda: len(output.pids()) == 1, timeout=30)
        manage("shell", "-c", SEND.format(n=1), env=env)
        _wait_for(lambda: len(sink.mailbox.messages) == 1, timeout=30)

        [first] = output.pids()
        os.kill(first, signal.SIGKILL)
        _wait_for(lambda: len(output.pids()) == 2, timeout=30)
        second = output.pids()[1]
        assert second != first
        manage("shell", "-c", SEND.format(n=2), env=env)
        _wait_for(lambda: len(sink.mailbox.messages) == 2, timeout=30)
        assert "exited with -9" in "".join(output.lines)

        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
        _wait_for(lambda: not _alive(second), timeout=10)
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait(timeout=10)
        output.finish()
        if supervisor.stdout:
            supervisor.stdout.close()
        sink.stop()
    assert [m["Subject"] for m in sink.mailbox.messages] == ["Supervised 1", "Supervised 2"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by its parent) counts as stopped.
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"
