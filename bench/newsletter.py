"""Campaign sending benchmark: the real worker against plain smtplib, to the same sink.

Run with ``.venv/bin/python bench/newsletter.py [--sizes 10000 100000] [--workers 1 2]
[--repeats 3]``. For each size it makes a throw-away database (``bench/database.py``: SQLite,
or PostgreSQL when BENCH_DATABASE_URL is set), seeds N invented confirmed subscribers, and
then, for each repeat and each number of workers, starts a fresh campaign to all of them and
runs that many ``manage.py run_worker`` processes (unthrottled, as deployed, DEBUG off) until
every message has reached the sink, sampling each worker's peak resident memory from /proc.
On PostgreSQL the seeded tables are analysed first, as autovacuum would have done by then.

The sink is an aiosmtpd server that only counts, in **its own process**, so neither side
shares a process (or its GIL) with it. The baseline sends prebuilt campaign messages (the
project's own builder, 10,000 distinct ones, cycled) with ``smtplib`` over one connection to
the same sink, right after each worker run. Both rates are measured at the sink, from the
first message to the last (the workers' start-up, a one-off for a worker that runs all day,
is printed apart). It prints each run, then the median and range of the ratio per size and
number of workers, the CPU each message costs the worker(s) and the smtplib client, and the
peak worker memory (flat between sizes means streaming, not loading the list). It never
asserts.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import smtplib
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import database  # noqa: E402
from bench.figures import figure  # noqa: E402
from tests.processes import free_port  # noqa: E402

PREBUILT = 10_000
TICKS = os.sysconf("SC_CLK_TCK")

# What autovacuum does within a minute of a bulk load, before any real campaign could start:
# without it the first minute of sending plans the consent re-check with an empty table's
# statistics (tens of ms per 50 messages at 10,000 subscribers, growing with the list).
ANALYZE = """
from django.db import connection
if connection.vendor == "postgresql":
    connection.cursor().execute("ANALYZE")
"""

NEW_CAMPAIGN = """
from safeguarding.newsletter.models import Campaign
from safeguarding.newsletter.sending import campaign_start
model = Campaign.objects.order_by("pk").first()
made = Campaign.objects.create(subject=model.subject, body_markdown=model.body_markdown)
made.topics.set(model.topics.all())
campaign_start(campaign_id=made.pk, actor=None)
"""


class CountingSink:
    """Accepts every message and only counts it (in memory shared with the bench), so the
    sink costs both sides the same: [count, first arrival, last arrival]."""

    def __init__(self, shared: Any) -> None:
        self.shared = shared

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.perf_counter()
        if not self.shared[0]:
            self.shared[1] = now
        self.shared[2] = now
        self.shared[0] += 1
        return "250 OK"


def run_sink(port: int, shared: Any, ready: Any, stop: Any) -> None:
    """The sink's own process."""
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    controller = Controller(CountingSink(shared), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


class Sink:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.port = free_port()
        self.shared = context.RawArray("d", 3)
        self.ready, self.stop_event = context.Event(), context.Event()
        self.process = context.Process(
            target=run_sink, args=(self.port, self.shared, self.ready, self.stop_event)
        )
        self.process.start()
        if not self.ready.wait(30):
            raise RuntimeError("the SMTP sink did not start")

    @property
    def count(self) -> int:
        return int(self.shared[0])

    def reset(self) -> None:
        self.shared[0] = 0

    def rate(self) -> float:
        """Messages per second from the first message received to the last."""
        return (self.shared[0] - 1) / (self.shared[2] - self.shared[1])

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(10)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def project_env(database_url: str, var_dir: Path, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_SETTINGS_MODULE", "BENCH_DATABASE_URL"}
    }
    env.update(
        VAR_DIR=str(var_dir),
        DATABASE_URL=database_url,
        EMAIL_URL=f"smtp://127.0.0.1:{port}",
        DEMO_MODE="true",
        DEBUG="false",  # as deployed: with DEBUG every query is also logged and kept
        NEWSLETTER_RATE_PER_SECOND="0",
        NEWSLETTER_BATCH_SIZE="500",
        SITE_URL="https://safeguarding.example.org",
    )
    env.setdefault("NEWSLETTER_UNRECORDED_AT_MOST", "1")  # the promise, unless asked
    env.setdefault("NEWSLETTER_SENT_SYNCHRONOUS_COMMIT", "off")  # the default, unless asked
    return env


def _proc(pid: int) -> tuple[int, float]:
    """(peak resident memory in kB, CPU seconds used) of a running process."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        stat = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0, 0.0
    peak = next((int(line.split()[1]) for line in status.splitlines() if "VmHWM:" in line), 0)
    return peak, (int(stat[11]) + int(stat[12])) / TICKS


def worker_run(env: dict[str, str], sink: Sink, size: int, workers: int) -> dict[str, float]:
    """Start ``workers`` workers on the queued campaign: messages per second, seconds from
    the start to the first message, the highest peak memory of one worker (kB), and the
    workers' CPU per message (microseconds)."""
    sink.reset()
    env = {**env, "NEWSLETTER_PARALLEL_BATCHES": str(workers)}
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    peak, cpu = 0, {p.pid: 0.0 for p in processes}
    started = time.perf_counter()
    cpu_at_first: dict[int, float] | None = None
    try:
        while sink.count < size:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError("a worker stopped before the campaign was sent")
            for p in processes:
                kb, cpu[p.pid] = _proc(p.pid)
                peak = max(peak, kb)
            if cpu_at_first is None and sink.count:
                cpu_at_first = dict(cpu)
            time.sleep(0.05)
        for p in processes:
            kb, cpu[p.pid] = _proc(p.pid)
            peak = max(peak, kb)
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait(timeout=30)
    used = sum(cpu.values()) - sum((cpu_at_first or {}).values())
    return {
        "rate": sink.rate(),
        "startup": sink.shared[1] - started,
        "peak_kb": peak,
        "cpu_us": used / size * 1e6,
    }


def prebuilt_messages(env: dict[str, str]) -> list[tuple[str, bytes]]:
    """Campaign messages made by the project's own builder, for the baseline."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeguarding.config.settings")
    import django

    django.setup()
    from safeguarding.newsletter.messages import campaign_message, render_campaign
    from safeguarding.newsletter.models import Campaign, Subscriber

    rendered = render_campaign(Campaign.objects.order_by("pk").first())  # type: ignore[arg-type]
    built = []
    for subscriber in Subscriber.objects.order_by("pk")[:PREBUILT]:
        message = campaign_message(rendered, subscriber=subscriber).message()
        built.append((subscriber.email, message.as_bytes(linesep="\r\n")))
    from django.db import connections

    connections.close_all()
    return built


def baseline_run(sink: Sink, messages: list[tuple[str, bytes]], size: int) -> dict[str, float]:
    """Messages per second, measured at the sink as for the worker, and the client's CPU
    per message."""
    sink.reset()
    cpu = time.process_time()
    with smtplib.SMTP("127.0.0.1", sink.port) as connection:
        for n in range(size):
            recipient, raw = messages[n % len(messages)]
            connection.sendmail("no-reply@example.org", [recipient], raw)
    cpu = time.process_time() - cpu
    while sink.count < size:
        time.sleep(0.01)
    return {"rate": sink.rate(), "cpu_us": cpu / size * 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    vendor = "PostgreSQL" if os.environ.get("BENCH_DATABASE_URL") else "SQLite"
    sink = Sink()
    window = os.environ.get("NEWSLETTER_UNRECORDED_AT_MOST", "1")
    vendor += f", at most {window} unrecorded"
    commit = os.environ.get("NEWSLETTER_SENT_SYNCHRONOUS_COMMIT", "off")
    durability = f"; sent records with synchronous_commit {commit}" if "Postgre" in vendor else ""
    print(
        f"== Newsletter ({vendor}{durability}): campaign through the real worker(s) vs "
        "plain smtplib"
    )
    messages: list[tuple[str, bytes]] = []
    try:
        for size in args.sizes:
            url, var_dir, cleanup = database.throwaway("newsletter")
            try:
                env = project_env(url, var_dir, sink.port)
                manage(env, "migrate", "--no-input")
                manage(env, "seed_demo_newsletter", "--readers", str(size))
                manage(env, "shell", "-c", ANALYZE)
                if not messages:
                    messages = prebuilt_messages(env)
                runs: dict[int, list[dict[str, float]]] = {n: [] for n in args.workers}
                for _ in range(args.repeats):
                    for workers in args.workers:
                        manage(env, "shell", "-c", NEW_CAMPAIGN)
                        run = worker_run(env, sink, size, workers)
                        baseline = baseline_run(sink, messages, size)
                        run.update(
                            baseline=baseline["rate"],
                            baseline_cpu_us=baseline["cpu_us"],
                            ratio=run["rate"] / baseline["rate"],
                            load=os.getloadavg()[0],
                        )
                        runs[workers].append(run)
                        print(
                            f"{size:>7,} recipients, {workers} worker(s): {run['rate']:6.0f} "
                            f"msg/s, smtplib {baseline['rate']:6.0f} msg/s, ratio "
                            f"{run['ratio']:.2f}x; CPU/message {run['cpu_us']:4.0f} us "
                            f"(smtplib {baseline['cpu_us']:3.0f} us); peak worker memory "
                            f"{run['peak_kb'] / 1024:.0f} MB; start to first message "
                            f"{run['startup']:.1f} s; load {run['load']:.1f}",
                            flush=True,
                        )
            finally:
                cleanup()
            for workers, done in runs.items():
                ratios = sorted(r["ratio"] for r in done)
                peak = max(r["peak_kb"] for r in done) / 1024
                print(
                    f"{size:>7,} recipients, {workers} worker(s): ratio median "
                    f"{statistics.median(ratios):.2f}x (range {ratios[0]:.2f}-{ratios[-1]:.2f}), "
                    f"{statistics.median(r['rate'] for r in done):.0f} msg/s vs smtplib "
                    f"{statistics.median(r['baseline'] for r in done):.0f}; CPU/message "
                    f"{statistics.median(r['cpu_us'] for r in done):.0f} us; peak worker memory "
                    f"{peak:.0f} MB; load {min(r['load'] for r in done):.1f}-"
                    f"{max(r['load'] for r in done):.1f}",
                    flush=True,
                )
                figure(
                    f"Newsletter, {size:,} recipients, {workers} worker(s) ({vendor})",
                    statistics.median(ratios),
                    baseline="plain smtplib, prebuilt messages, same sink (own process)",
                    target=">= 0.8x, memory flat" if workers == 1 else "reported",
                    at_least=0.8 if workers == 1 else None,
                    note=f"range {ratios[0]:.2f}-{ratios[-1]:.2f}; worker peak {peak:.0f} MB",
                )
    finally:
        sink.stop()


if __name__ == "__main__":
    main()
