"""Benchmarks for the foundation. Run with `make bench`; prints ratios to same-run baselines."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_tmp = tempfile.mkdtemp(prefix="safeguarding-bench-")
os.environ["VAR_DIR"] = _tmp
os.environ["DATABASE_URL"] = (
    os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{_tmp}/bench.sqlite3"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def rate(fn: Callable[[], object], *, seconds: float = 2.0) -> float:
    fn()  # warm up
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - start)


def bench_list_pages() -> None:
    from safeguarding.accounts.models import User
    from safeguarding.accounts.roles import Role
    from tests.conftest import sign_in
    from tests.factories import UserFactory

    print("\n== List pages: staff People page vs a trivial view")
    admin = UserFactory(roles=[str(Role.PARTNERSHIP_ADMINISTRATOR)])
    client = Client()
    sign_in(client, admin)
    trivial = rate(lambda: client.get("/bench/trivial/"))
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
        per_second = rate(lambda: client.get("/staff/people/"))
        print(
            f"  {size:>5} rows: {len(executed)} queries, "
            f"{per_second:8.1f} req/s = {per_second / trivial:.2f}x "
            f"the trivial view ({trivial:.1f} req/s)"
        )


def bench_audit() -> None:
    from django.utils import timezone

    from safeguarding.audit.models import AuditEntry
    from safeguarding.audit.services import audit_log
    from safeguarding.audit.verify import verify_chain

    print("\n== Audit trail")
    batch = 2000

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

    start = time.perf_counter()
    append()
    audit_rate = batch / (time.perf_counter() - start)
    start = time.perf_counter()
    raw_inserts(10**12)
    raw_rate = batch / (time.perf_counter() - start)
    print(
        f"  append: {audit_rate:8.0f} entries/s = {audit_rate / raw_rate:.2f}x "
        f"plain inserts of the same rows ({raw_rate:.0f}/s)"
    )

    for size in (20_000, 100_000):
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


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor}")
    bench_list_pages()
    bench_audit()


if __name__ == "__main__":
    main()
