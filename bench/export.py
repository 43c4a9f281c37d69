"""Subject access export benchmark: one subject's export with 1k and with 100k other people.

Run with ``.venv/bin/python bench/export.py [--others 1000 100000] [--repeat 30]``. For each
size it adds that many other people, each with a rights request, a pause and a caller check,
then builds the same subject's export ``--repeat`` times and takes the median. It prints the
wall and CPU time and the query count at each size and their ratio to the smallest size,
measured in the same run. The target in the brief: the cost is set by the subject's data,
not the database size, so the ratios should stay about 1.0x. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench import database
from bench.figures import figure

cleanup = database.start("export")

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from safeguarding.accounts.models import User  # noqa: E402
from safeguarding.privacy.models.identity import CallerVerification  # noqa: E402
from safeguarding.privacy.models.person import Person  # noqa: E402
from safeguarding.privacy.models.rights import (  # noqa: E402
    RequestChannel,
    RequestKind,
    RequestPause,
    RequestStatus,
    RightsRequest,
)
from safeguarding.privacy.rights.export import build_export  # noqa: E402

CHUNK = 5_000


def add_people(start: int, stop: int, *, staff: User) -> None:
    """People ``start`` to ``stop - 1``, each with a request, a pause and a caller check."""
    now = timezone.now()
    for first in range(start, stop, CHUNK):
        last = min(first + CHUNK, stop)
        with transaction.atomic():
            people = Person.objects.bulk_create(
                Person(email=f"person{n}@example.org", full_name=f"Person {n}")
                for n in range(first, last)
            )
            requests = RightsRequest.objects.bulk_create(
                RightsRequest(
                    person=person,
                    kind=RequestKind.ACCESS,
                    details="Everything you hold",
                    channel=RequestChannel.WEB,
                    received_at=now,
                    identity_confirmed_at=now,
                    status=RequestStatus.OPEN,
                )
                for person in people
            )
            RequestPause.objects.bulk_create(
                RequestPause(request=request, reason="Which courses?", ended_at=now)
                for request in requests
            )
            CallerVerification.objects.bulk_create(
                CallerVerification(
                    person=person, staff=staff, question_keys=["first_pet"], outcome="passed"
                )
                for person in people
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(subject: Person, repeat: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds of ``repeat`` exports of the subject, and the queries one
    makes. CPU time of this process is steadier on a busy machine; on SQLite it includes the
    database's own work, on PostgreSQL it does not (the wall time does)."""
    wall, cpu = [], []
    for _ in range(repeat):
        began, began_cpu = time.perf_counter(), time.process_time()
        build_export(subject)
        wall.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    with CaptureQueriesContext(connection) as captured:
        build_export(subject)
    return statistics.median(wall), statistics.median(cpu), len(captured)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--others", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    staff = User.objects.create_user(email="staff@example.org", full_name="Staff")
    add_people(0, 1, staff=staff)
    subject = Person.objects.get(email="person0@example.org")
    print(f"== Subject access export ({connection.vendor}, median of {args.repeat})")
    baseline: tuple[float, float, int] | None = None
    held = 1
    for others in sorted(args.others):
        add_people(held, others + 1, staff=staff)
        held = others + 1
        wall, cpu, queries = measure(subject, args.repeat)
        baseline = baseline or (wall, cpu, queries)
        print(
            f"  {others:>9,} other people: {wall * 1000:7.2f} ms wall "
            f"({wall / baseline[0]:.2f}x), {cpu * 1000:7.2f} ms CPU ({cpu / baseline[1]:.2f}x), "
            f"{queries} queries ({queries / baseline[2]:.2f}x), against {min(args.others):,}"
        )
        if others != min(args.others):
            figure(
                f"Subject access export, {others:,} other people ({connection.vendor})",
                wall / baseline[0],
                baseline=f"the same export with {min(args.others):,} other people",
                target="about 1.0x (<= 1.5x), same queries",
                at_most=1.5 if queries == baseline[2] else -1,
                note=f"{queries} queries vs {baseline[2]}",
            )


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
