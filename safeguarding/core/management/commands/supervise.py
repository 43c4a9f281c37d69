from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

FIRST_WAIT = 1.0
LONGEST_WAIT = 60.0
HEALTHY_AFTER = 60.0  # a run this long resets the wait to FIRST_WAIT


class Command(BaseCommand):
    help = (
        "Run a command, and start it again whenever it exits with an error (waiting 1 s, "
        "doubling to 60 s), until told to stop: SIGTERM or SIGINT is passed on to it and then "
        "this stops too. Used by make run for the worker: manage.py supervise -- <command>."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("command", nargs="+", help="The command to run, after --.")

    def handle(self, *args: Any, command: list[str], **options: Any) -> None:
        stopping = False
        child: subprocess.Popen[bytes] | None = None

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True
            if child is not None and child.poll() is None:
                os.killpg(child.pid, signum)  # the command and any processes it started

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        wait = FIRST_WAIT
        while not stopping:
            started = time.monotonic()
            # In a session of its own, so a Ctrl-C in the terminal reaches it once, from here.
            child = subprocess.Popen(command, start_new_session=True)  # noqa: S603
            self.stdout.write(f"Supervisor: started {command[0]} (pid {child.pid})")
            code = child.wait()
            if stopping:
                break
            if code == 0:
                self.stdout.write("Supervisor: the command finished; stopping")
                return
            if time.monotonic() - started >= HEALTHY_AFTER:
                wait = FIRST_WAIT
            self.stderr.write(
                f"Supervisor: the command exited with {code}; starting it again in {wait:.0f}s"
            )
            deadline = time.monotonic() + wait
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.1)
            wait = min(wait * 2, LONGEST_WAIT)
        if child is not None:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                raise CommandError("The command did not stop within 30s; it was killed") from None
        self.stdout.write("Supervisor: stopped")
