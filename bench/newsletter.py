"""Campaign sending benchmark: the real db_worker against plain smtplib, to the same sink.

Run with ``.venv/bin/python bench/newsletter.py [--sizes 10000 100000]``. For each size it
makes a throw-away SQLite project database under a temporary folder, seeds N invented
confirmed subscribers, starts a campaign, and runs ``manage.py db_worker``
(unthrottled) until every message has reached an aiosmtpd sink on loopback, sampling the
worker's resident memory from /proc. The baseline sends prebuilt campaign messages (the
same builder, 10,000 distinct ones, cycled) with ``smtplib`` over one connection to the same
sink in the same run. Both rates are measured at the sink, from the first message to the
last (the worker's start-up, a one-off for a worker that runs all day, is printed apart).
It prints messages/second, the ratio, and peak worker memory for each
size (flat means streaming, not loading the list). It never asserts.
"""

from __future__ import annotations

import argparse
import logging
import os
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.figures import figure  # noqa: E402
from tests.processes import free_port  # noqa: E402

PREBUILT = 10_000


class CountingSink:
    """Accepts every message and only counts it, so the sink costs both sides the same."""

    def __init__(self) -> None:
        self.count = 0
        self.first = self.last = 0.0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.last = time.perf_counter()
        if not self.count:
            self.first = self.last
        self.count += 1
        return "250 OK"

    def reset(self) -> None:
        self.count = 0

    def rate(self) -> float:
        """Messages per second from the first message received to the last: the sending
        rate, without the worker's start (reported apart) or the baseline's connecting."""
        return (self.count - 1) / (self.last - self.first)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def project_env(var_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        VAR_DIR=str(var_dir),
        DATABASE_URL=f"sqlite:///{var_dir / 'bench.sqlite3'}",
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        DEMO_MODE="true",
        DEBUG="false",  # as deployed: with DEBUG every query is also logged and kept
        NEWSLETTER_RATE_PER_SECOND="0",
        NEWSLETTER_BATCH_SIZE="500",
        SITE_URL="https://safeguarding.example.org",
    )
    return env


def resident_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def worker_run(env: dict[str, str], sink: CountingSink, size: int) -> tuple[float, float, int]:
    """(messages per second, seconds from starting the worker to its first message, peak
    resident memory in kB)."""
    sink.reset()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak = 0
    started = time.perf_counter()
    try:
        while sink.count < size:
            if worker.poll() is not None:
                raise RuntimeError("the worker stopped before the campaign was sent")
            peak = max(peak, resident_kb(worker.pid))
            time.sleep(0.05)
        peak = max(peak, resident_kb(worker.pid))
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return sink.rate(), sink.first - started, peak


def prebuilt_messages(env: dict[str, str]) -> list[tuple[str, bytes]]:
    """Campaign messages made by the project's own builder, for the baseline."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()
    from safeguarding.newsletter.messages import campaign_message, render_campaign
    from safeguarding.newsletter.models import Campaign, Subscriber

    rendered = render_campaign(Campaign.objects.get())
    built = []
    for subscriber in Subscriber.objects.order_by("pk")[:PREBUILT]:
        message = campaign_message(rendered, subscriber=subscriber).message()
        built.append((subscriber.email, message.as_bytes(linesep="\r\n")))
    return built


def baseline_run(
    sink: CountingSink, port: int, messages: list[tuple[str, bytes]], size: int
) -> float:
    """Messages per second, measured at the sink as for the worker."""
    sink.reset()
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for n in range(size):
            recipient, raw = messages[n % len(messages)]
            connection.sendmail("no-reply@example.org", [recipient], raw)
    return sink.rate()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    sizes = parser.parse_args().sizes
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    print("== Newsletter: campaign through the real worker vs plain smtplib, same sink")
    messages: list[tuple[str, bytes]] = []
    try:
        for size in sizes:
            var_dir = Path(tempfile.mkdtemp(prefix="safeguarding-bench-newsletter-"))
            env = project_env(var_dir, port)
            manage(env, "migrate", "--no-input")
            manage(env, "seed_demo_newsletter", "--readers", str(size), "--start")
            if not messages:
                messages = prebuilt_messages(env)
            worker_rate, startup, peak_kb = worker_run(env, sink, size)
            baseline_rate = baseline_run(sink, port, messages, size)
            print(
                f"{size:>7,} recipients: worker {worker_rate:7.0f} msg/s, smtplib "
                f"{baseline_rate:7.0f} msg/s, ratio {worker_rate / baseline_rate:.2f}x; "
                f"worker peak memory {peak_kb / 1024:.0f} MB; the worker's start to its "
                f"first message {startup:.1f} s (not counted); load "
                f"{os.getloadavg()[0]:.1f}"
            )
            figure(
                f"Newsletter, {size:,} recipients (SQLite)",
                worker_rate / baseline_rate,
                baseline="plain smtplib, prebuilt messages, same sink",
                target=">= 0.8x, memory flat",
                at_least=0.8,
                note=f"worker peak {peak_kb / 1024:.0f} MB",
            )
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
