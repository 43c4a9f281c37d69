"""Retention sweep benchmark: the sweep against a raw SQL DELETE of the same expired rows.

Run with ``.venv/bin/python bench/retention.py [--rows 100000 1000000] [--batch 1000]``.
It uses a throw-away SQLite database under a temporary folder, or, when BENCH_DATABASE_URL
points at a PostgreSQL server, a database it creates there and drops afterwards. For each
size it inserts N expired staff sessions and times ``DELETE FROM accounts_session WHERE
expire_date < cutoff``, then inserts an identical fresh set and times ``retention_sweep()``,
``--rounds`` times in turn (median and range of the ratios, as the machine may be shared),
and measures the sweep's peak memory under tracemalloc on one more set. It prints ratios,
never asserts.
The target in the brief: 100,000 and a million rows within 2x the raw delete, memory flat.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import database
from bench.figures import figure
from bench.measure import ratio

cleanup = database.start("retention")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeguarding.accounts.models import StaffSession  # noqa: E402
from safeguarding.privacy.models.retention import DestructionReceipt  # noqa: E402
from safeguarding.privacy.retention import engine as retention  # noqa: E402

CHUNK = 10_000
TABLE = StaffSession._meta.db_table


def insert_expired(count: int, *, prefix: str) -> None:
    """``count`` sessions that expired two days ago (the staff_session rule keeps one day)."""
    expired = timezone.now() - timedelta(days=2)
    for start in range(0, count, CHUNK):
        with transaction.atomic():
            StaffSession.objects.bulk_create(
                StaffSession(session_key=f"{prefix}{n:031d}", session_data="", expire_date=expired)
                for n in range(start, min(start + CHUNK, count))
            )
    _analyse()


def _analyse() -> None:
    """Statistics up to date, and on PostgreSQL the dead rows of the previous round vacuumed
    away, so the sweep and the raw DELETE each start from a freshly vacuumed table."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"VACUUM ANALYZE {TABLE}" if connection.vendor == "postgresql" else f"ANALYZE {TABLE}"
        )


def sweep(count: int, *, batch_size: int | None, traced: bool) -> float:
    """Run the sweep over ``count`` expired sessions: its time, or its peak traced memory."""
    if traced:
        tracemalloc.start()
    start = time.perf_counter()
    receipts = retention.retention_sweep(batch_size=batch_size)
    elapsed = time.perf_counter() - start
    peak = 0
    if traced:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    disposed = sum(r.count for r in receipts if r.model_label == "accounts.StaffSession")
    if disposed != count or StaffSession.objects.exists():
        raise SystemExit(f"The sweep disposed of {disposed} sessions, expected {count}")
    return peak if traced else elapsed


def time_raw_delete(count: int) -> float:
    cutoff = timezone.now() - timedelta(days=1)
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE expire_date < %s", [cutoff])  # noqa: S608
        deleted = cursor.rowcount
    elapsed = time.perf_counter() - start
    if deleted != count:
        raise SystemExit(f"The raw delete removed {deleted} rows, expected {count}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--batch", type=int, default=None, help="rows per batch (the engine's own)")
    parser.add_argument("--rounds", type=int, default=3, help="sweeps and raw deletes, in turn")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    # The daily job's worker has swept before: the sweep keeps what it works out once per
    # process (its "anything due?" statement), as the raw DELETE needs nothing worked out.
    retention.retention_sweep()
    batch = args.batch or retention.SET_BATCH_SIZE[connection.vendor]
    print(f"== Retention sweep ({connection.vendor}, batches of {batch:,})")
    peaks = []
    for count in args.rows:

        def timed_raw_delete(count: int = count) -> float:
            insert_expired(count, prefix="r")
            return time_raw_delete(count)

        def timed_sweep(count: int = count) -> float:
            # Timed without tracemalloc (which slows every allocation).
            insert_expired(count, prefix="s")
            return sweep(count, batch_size=args.batch, traced=False)

        found = ratio(timed_sweep, timed_raw_delete, rounds=args.rounds)
        swept, raw = found.measured, found.baseline
        receipt = DestructionReceipt.objects.filter(model_label="accounts.StaffSession").first()
        batches = receipt.batches.count() if receipt else 0
        insert_expired(count, prefix="m")
        peak = sweep(count, batch_size=args.batch, traced=True)
        peaks.append(peak)
        print(
            f"  {count:>9,} rows: sweep {swept:7.2f}s = {found.median:.2f}x a raw DELETE "
            f"({raw:.2f}s; median of {args.rounds} rounds, {found.low:.2f}-{found.high:.2f}x); "
            f"{count / swept:9,.0f} rows/s; peak memory {peak / 1e6:.2f} MB; "
            f"{batches} batches on its receipt; load {os.getloadavg()[0]:.1f}"
        )
        figure(
            f"Retention sweep, {count:,} rows ({connection.vendor})",
            found.median,
            baseline="raw DELETE of the same rows, freshly vacuumed table",
            target="<= 2x",
            at_most=2.0,
            note=(
                f"median of {args.rounds}, {found.low:.2f}-{found.high:.2f}x; "
                f"peak memory {peak / 1e6:.1f} MB"
            ),
        )
    if len(peaks) > 1:
        print(f"  peak memory at the largest size = {peaks[-1] / peaks[0]:.2f}x the smallest")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
