"""Training benchmarks: the catalogue under concurrent load against a real gunicorn, as a
ratio to a trivial Django view served by the same server in the same run; its query count at
10 and 1,000 courses; and 50 simultaneous bookings for the last 5 places (p50/p95 latency).

    .venv/bin/python bench/training.py [--seconds 5] [--clients 16] [--rounds 3]

Uses a throw-away SQLite database, or a scratch PostgreSQL database (created and dropped) on
the server of BENCH_DATABASE_URL when that is set (bench/database.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import database  # noqa: E402
from bench.figures import figure  # noqa: E402
from bench.measure import as_production_runs, gunicorn, ratio, served_rate, warm_up  # noqa: E402

SETTINGS = "bench.training_settings"


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
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()

    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    cleanup = database.start("training")
    try:
        run(options)
    finally:
        cleanup()


def run(options: argparse.Namespace) -> None:
    from django.core.management import call_command

    from safeguarding.training.models import Booking, WaitingListEntry
    from tests.training.factories import BookingFactory, SessionFactory, booking_data
    from tests.training.load import percentile, post_all_at_once

    as_production_runs()
    call_command("migrate", verbosity=0)
    engine = "PostgreSQL" if os.environ["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"== Training benchmarks ({engine}, gunicorn 2 workers x 4 threads)")

    print("\n-- Catalogue: SQL queries")
    counts = {}
    for size in (10, 1000):
        seed_courses(size)
        counts[size] = catalogue_queries()
        print(f"  {size:>5} courses: {counts[size]} queries")
    print(f"  same at both sizes: {'yes' if counts[10] == counts[1000] else 'NO'}")

    with gunicorn() as base:
        print(f"\n-- Throughput, {options.clients} concurrent clients, {options.seconds:.0f}s each")
        clients, seconds = options.clients, options.seconds
        warm_up(base, ["/bench/trivial/", "/courses/?level=level_1"], clients=clients)
        found = ratio(
            lambda: served_rate(base, "/courses/?level=level_1", clients=clients, seconds=seconds),
            lambda: served_rate(base, "/bench/trivial/", clients=clients, seconds=seconds),
            rounds=options.rounds,
        )
        print(f"  catalogue, first page of 1,000 courses, vs the trivial view: {found}")
        figure(
            f"Catalogue /courses/ ({engine}, gunicorn, {options.clients} clients)",
            found.median,
            baseline="trivial view, full middleware, same server",
            target=">= 0.7x",
            at_least=0.7,
            note=(
                f"median of {options.rounds} ({found.low:.2f}-{found.high:.2f}x); "
                f"{found.measured:.0f} vs {found.baseline:.0f} req/s"
            ),
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
