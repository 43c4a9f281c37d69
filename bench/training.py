"""Training benchmarks: the catalogue under concurrent load against a real gunicorn, as a
ratio to a trivial Django view served by the same server in the same run; its query count at
10 and 1,000 courses; and 50 simultaneous bookings for the last 5 places (p50/p95 latency).

    .venv/bin/python bench/training.py [--seconds 5] [--clients 16]

Uses a throw-away SQLite database, or a scratch PostgreSQL database (created and dropped) on
the server of DATABASE_URL when that is set.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.figures import figure  # noqa: E402

SETTINGS = "bench.training_settings"


def scratch_database(tmp: str) -> tuple[str, str | None]:
    """(database URL, admin URL to drop it with, or None for SQLite)."""
    given = os.environ.get("DATABASE_URL", "")
    if not given.startswith("postgres"):
        return f"sqlite:///{tmp}/bench-training.sqlite3", None
    import psycopg

    parts = urllib.parse.urlsplit(given)
    name = f"bench_training_{os.getpid()}"
    with psycopg.connect(given, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), given


def drop_database(url: str, admin_url: str) -> None:
    import psycopg

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def throughput(base: str, path: str, *, clients: float, seconds: float) -> float:
    from tests.training.load import get

    get(base, path)  # warm up
    stop = time.perf_counter() + seconds
    counts = [0] * int(clients)
    failures: list[int] = []

    def hammer(index: int) -> None:
        while time.perf_counter() < stop:
            result = get(base, path)
            if result.status != 200:
                failures.append(result.status)
            counts[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(int(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{path} answered {failures[0]} under load")
    return sum(counts) / (time.perf_counter() - started)


def seed_courses(total: int) -> None:
    from safeguarding.training.models import Course
    from tests.training.factories import SessionFactory

    while Course.objects.count() < total:
        SessionFactory()


def catalogue_queries() -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert Client().get("/courses/").status_code == 200
    return len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=16)
    options = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="safeguarding-bench-training-")
    url, admin_url = scratch_database(tmp)
    os.environ.update(VAR_DIR=tmp, DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS)
    try:
        run(options, tmp, url)
    finally:
        if admin_url:
            from django.db import connections

            connections.close_all()
            drop_database(url, admin_url)


def run(options: argparse.Namespace, tmp: str, url: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    from safeguarding.training.models import Booking, WaitingListEntry
    from tests.processes import project_env, running_server
    from tests.training.factories import BookingFactory, SessionFactory, booking_data
    from tests.training.load import percentile, post_all_at_once

    setup_test_environment()
    call_command("migrate", verbosity=0)
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"== Training benchmarks ({engine}, gunicorn 2 workers x 4 threads)")

    print("\n-- Catalogue: SQL queries")
    counts = {}
    for size in (10, 1000):
        seed_courses(size)
        counts[size] = catalogue_queries()
        print(f"  {size:>5} courses: {counts[size]} queries")
    print(f"  same at both sizes: {'yes' if counts[10] == counts[1000] else 'NO'}")

    env = project_env(Path(tmp), DATABASE_URL=url, DJANGO_SETTINGS_MODULE=SETTINGS)
    with running_server(env, production=True, workers=2, threads=4) as base:
        print(f"\n-- Throughput, {options.clients} concurrent clients, {options.seconds:.0f}s each")
        load = {"clients": options.clients, "seconds": options.seconds}
        trivial = throughput(base, "/bench/trivial/", **load)
        catalogue = throughput(base, "/courses/?level=level_1", **load)
        print(f"  trivial view: {trivial:8.1f} req/s")
        print(
            f"  catalogue, first page of 1,000 courses: {catalogue:7.1f} req/s "
            f"= {catalogue / trivial:.2f}x the trivial view"
        )
        figure(
            f"Catalogue /courses/ ({engine}, gunicorn, {options.clients} clients)",
            catalogue / trivial,
            baseline="trivial view, full middleware, same server",
            target=">= 0.7x",
            at_least=0.7,
            note=f"{catalogue:.0f} vs {trivial:.0f} req/s",
        )

        print("\n-- 50 simultaneous bookings for the last 5 places")
        session = SessionFactory(capacity=10)
        BookingFactory.create_batch(5, session=session)
        forms = [booking_data(email=f"bench{n}@school.example.org") for n in range(50)]
        started = time.perf_counter()
        results = post_all_at_once(base, f"/courses/sessions/{session.pk}/book/", forms)
        wall = time.perf_counter() - started
    latencies = [result.seconds * 1000 for result in results]
    booked = Booking.objects.filter(session=session).count() - 5
    waiting = WaitingListEntry.objects.filter(session=session).count()
    statuses = sorted({result.status for result in results})
    print(f"  statuses {statuses}; {booked} booked, {waiting} on the waiting list")
    print(
        f"  latency p50 {percentile(latencies, 0.5):.0f} ms, "
        f"p95 {percentile(latencies, 0.95):.0f} ms; all 50 in {wall * 1000:.0f} ms"
    )
    figure(
        f"50 concurrent bookings for 5 places ({engine}): p95",
        percentile(latencies, 0.95),
        unit=" ms",
        baseline="-",
        target="exactly 5 booked; p95 halved",
        at_least=None,
        note=f"{booked} booked, {waiting} waiting; p50 {percentile(latencies, 0.5):.0f} ms",
    )
    if booked != 5 or waiting != 45:
        raise SystemExit("OVERBOOKING OR LOST REQUESTS: expected 5 booked and 45 waiting")


if __name__ == "__main__":
    main()
