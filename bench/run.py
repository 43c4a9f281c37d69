"""Benchmarks for the foundation. Run with `make bench`; prints ratios to same-run baselines."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Its own database: SQLite, or one made (and dropped at the end) on BENCH_DATABASE_URL.
from bench import database  # noqa: E402

_cleanup = database.start("run")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from bench import figures as reported  # noqa: E402
from bench.figures import PREFIX, REPORTED, figure, table  # noqa: E402
from bench.measure import as_production_runs, rate, ratio  # noqa: E402


def bench_list_pages() -> None:
    from safeguarding.accounts.models import User
    from safeguarding.accounts.roles import Role
    from tests.conftest import sign_in
    from tests.factories import UserFactory

    print("\n== List pages: staff People page vs a trivial view")
    admin = UserFactory(roles=[str(Role.PARTNERSHIP_ADMINISTRATOR)])
    client = Client()
    sign_in(client, admin)

    def trivial() -> float:
        return rate(lambda: client.get("/bench/trivial/"), seconds=1.0)

    def people() -> float:
        return rate(lambda: client.get("/staff/people/"), seconds=1.0)

    for size in (10, 1000):
        missing = size - User.objects.count()
        User.objects.bulk_create(
            User(email=f"bench{size}-{n}@example.invalid", full_name=f"Bench {n}")
            for n in range(missing)
        )
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):  # type: ignore[no-untyped-def]
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            assert client.get("/staff/people/").status_code == 200
        found = ratio(people, trivial)
        print(f"  {size:>5} rows: {len(executed)} queries, {found} the trivial view")
        if size == 1000:
            figure(
                "Staff People list, 1,000 rows",
                found.median,
                baseline="trivial view, full middleware (test client)",
                target=">= 0.7x",
                at_least=0.7,
                note=f"median of 3 ({found.low:.2f}-{found.high:.2f}x); {len(executed)} queries",
            )


def bench_audit(verify_sizes: tuple[int, ...] = (20_000, 100_000)) -> None:
    from django.utils import timezone

    from safeguarding.audit.actions import register
    from safeguarding.audit.models import AuditEntry
    from safeguarding.audit.services import audit_log
    from safeguarding.audit.verify import verify_chain

    print("\n== Audit trail")
    batch = 2000

    # A benchmark's own action, registered as every app registers its actions.
    register("bench", {"bench.entry.written": "A benchmark wrote an entry"})

    def append() -> None:
        with transaction.atomic():
            for n in range(batch):
                audit_log(
                    action="bench.entry.written",
                    actor=None,
                    target_type="bench.thing",
                    target_id=n,
                    details={"n": n},
                )

    def raw_inserts(offset: int) -> None:
        # The floor: one ORM insert per row in one transaction, with no lock and no hashing.
        # Rolled back afterwards, so the chain stays intact (and PostgreSQL's trigger, which
        # refuses DELETE on the table, never has to be asked).
        with transaction.atomic():
            for n in range(batch):
                AuditEntry.objects.create(
                    sequence=offset + n,
                    occurred_at=timezone.now(),
                    actor_label="system",
                    action="bench.entry.written",
                    details={"n": n},
                    details_digest="0" * 64,
                    reason_digest="0" * 64,
                    prev_hash="0" * 64,
                    entry_hash="0" * 64,
                )
            transaction.set_rollback(True)

    append()  # warm up: the first entry makes the chain head, the registries load
    rounds = []
    for round_number in range(3):
        start = time.perf_counter()
        append()
        audit_rate = batch / (time.perf_counter() - start)
        start = time.perf_counter()
        raw_inserts(10**12 + round_number * batch)
        raw_rate = batch / (time.perf_counter() - start)
        rounds.append((audit_rate / raw_rate, audit_rate, raw_rate))
    ratios = sorted(ratio for ratio, _audit, _raw in rounds)
    ratio, audit_rate, raw_rate = sorted(rounds)[1]
    print(
        f"  append: {audit_rate:8.0f} entries/s = {ratio:.2f}x "
        f"plain inserts of the same rows ({raw_rate:.0f}/s); median of 3, "
        f"range {ratios[0]:.2f}-{ratios[-1]:.2f}x"
    )
    figure(
        f"Audit append ({connection.vendor})",
        ratio,
        baseline="plain ORM inserts of the same rows",
        target=">= 0.5x",
        at_least=0.5,
        note=(
            f"median of 3 ({ratios[0]:.2f}-{ratios[-1]:.2f}x); {audit_rate:.0f} vs {raw_rate:.0f}/s"
        ),
    )

    peaks: list[float] = []
    for size in verify_sizes:
        while AuditEntry.objects.count() < size:
            append()
        tracemalloc.start()
        start = time.perf_counter()
        result = verify_chain()
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        if not result.ok:
            raise SystemExit(f"verify_chain failed on benchmark data: {result}")
        start = time.perf_counter()
        for _entry in AuditEntry.objects.iterator(chunk_size=2000):
            pass
        floor = time.perf_counter() - start
        print(
            f"  verify {size:>7} entries: {size / elapsed:8.0f} entries/s = "
            f"{floor / elapsed:.2f}x just reading them; peak memory {peak / 1e6:.1f} MB"
        )
        peaks.append(peak)
    figure(
        f"Audit verify peak memory, {verify_sizes[-1]:,} vs {verify_sizes[0]:,} entries",
        peaks[-1] / peaks[0],
        baseline=f"verify_chain over {verify_sizes[0]:,} entries",
        target="flat (<= 1.2x)",
        at_most=1.2,
        note=f"{peaks[-1] / 1e6:.1f} MB",
    )


# The other benchmark scripts, with the arguments make bench gives them; --full adds the
# sizes that take long (a million-row retention sweep, a 100,000-recipient newsletter).
SCRIPTS = [
    ("retention.py", ["--rows", "100000"], ["--rows", "100000", "1000000"]),
    ("export.py", ["--others", "1000", "100000"], ["--others", "1000", "100000"]),
    ("public_site.py", ["--seconds", "1.5"], []),
    ("training.py", ["--seconds", "4"], ["--seconds", "5"]),
    ("casereviews.py", [], []),
    ("cdop.py", [], []),
    ("newsletter.py", ["--sizes", "10000", "--repeats", "2"], ["--sizes", "10000", "100000"]),
]
# What this process set for itself, not passed on: each script sets up its own.
OWN_ENVIRONMENT = {"BENCH_DATABASE_URL", "DATABASE_URL", "VAR_DIR", "DJANGO_SETTINGS_MODULE"}
# Run on PostgreSQL too when BENCH_DATABASE_URL is set (they make and drop their own database).
BOTH_DATABASES = {"retention.py", "export.py", "training.py", "public_site.py", "newsletter.py"}


def run_script(name: str, arguments: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    """Run one benchmark script, showing its output, and return the figures it reported."""
    found = []
    command = [sys.executable, str(ROOT / "bench" / name), *arguments]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith(PREFIX):
                found.append(json.loads(line[len(PREFIX) :]))
            else:
                print(line, end="", flush=True)
    if process.returncode:
        found.append(
            {
                "what": f"bench/{name}",
                "value": 0.0,
                "unit": "x",
                "baseline": "-",
                "target": "runs",
                "met": False,
                "load": "-",
                "note": f"exited with status {process.returncode}",
            }
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--full", action="store_true", help="also the long sizes")
    parser.add_argument("--only", nargs="*", help="only these scripts (run.py's own: run.py)")
    args = parser.parse_args()
    chosen = set(args.only or [])
    reported.GATHERED_HERE = True
    as_production_runs()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    if not chosen or "run.py" in chosen:
        bench_list_pages()
        bench_audit((20_000, 100_000) if args.full else (10_000, 20_000))
    figures = list(REPORTED)
    server = os.environ.get("BENCH_DATABASE_URL", "")
    for name, quick, full in SCRIPTS:
        if chosen and name not in chosen:
            continue
        print(f"\n### bench/{name}", flush=True)
        sqlite_env = {
            k: v for k, v in os.environ.items() if k not in {"BENCH_DATABASE_URL", "DATABASE_URL"}
        }
        figures += run_script(name, full if args.full else quick, sqlite_env)
        if server and name in BOTH_DATABASES:
            print(f"\n### bench/{name} on PostgreSQL", flush=True)
            postgres_env = {**sqlite_env, "BENCH_DATABASE_URL": server, "DATABASE_URL": server}
            figures += run_script(name, full if args.full else quick, postgres_env)
    print("\n== Every figure, as a ratio to its baseline measured in the same run")
    print(table(figures))


if __name__ == "__main__":
    try:
        main()
    finally:
        _cleanup()
