"""Case review benchmarks: a member's case reviews dashboard at 1 and 50 live cases, and a
case page at 10 and 2,000 chronology entries. Reports the queries of each (they must not grow
with the cases or the entries), requests/second as a ratio to a trivial Django view through
the same middleware in the same run, and what decryption costs a page: how many values it
opens and the time spent opening them.

    .venv/bin/python bench/casereviews.py [--seconds 2]

Uses a throw-away SQLite database, or BENCH_DATABASE_URL (a scratch PostgreSQL database).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database

cleanup = database.start("cases")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.figures import figure  # noqa: E402
from bench.measure import as_production_runs, rate  # noqa: E402
from safeguarding.accounts.roles import Role  # noqa: E402
from safeguarding.casereviews import services  # noqa: E402
from safeguarding.casereviews.models import CaseReview, ChronologyEntry  # noqa: E402
from safeguarding.core import crypto  # noqa: E402
from safeguarding.workspaces import services as workspace_services  # noqa: E402
from safeguarding.workspaces.models import MembershipRole  # noqa: E402
from tests.conftest import sign_in  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

TODAY = timezone.localdate()


@contextmanager
def measured() -> Iterator[dict[str, float]]:
    """Counts the queries, and the values decrypted and the seconds spent decrypting them."""
    found = {"queries": 0, "opened": 0, "opening": 0.0}
    real_unseal = crypto.unseal

    def unseal(token: str, *, binding: str) -> bytes:
        start = time.perf_counter()
        try:
            return real_unseal(token, binding=binding)
        finally:
            found["opened"] += 1
            found["opening"] += time.perf_counter() - start

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        found["queries"] += 1
        return execute(sql, params, many, context)

    crypto.unseal = unseal  # type: ignore[assignment]
    try:
        with connection.execute_wrapper(count):
            yield found
    finally:
        crypto.unseal = real_unseal  # type: ignore[assignment]


def open_case(officer, member, number: int) -> CaseReview:  # type: ignore[no-untyped-def]
    case = services.case_open(reference=f"Bench {number}", summary="Invented", actor=officer)
    workspace_services.membership_grant(
        workspace=case.workspace,
        user=member,
        role=MembershipRole.MEMBER,
        reason="Invented: benchmark",
        actor=officer,
    )
    services.notification_record(
        case=case,
        fields={"outcome": "died", "aware_on": TODAY - timedelta(days=3), "looked_after": False},
        actor=officer,
    )
    for agency in ("Police", "School"):
        services.record_add(
            case=case,
            kind="information-requests",
            fields={
                "agency": agency,
                "request": "Invented",
                "asked_on": TODAY - timedelta(days=2),
                "due_on": TODAY + timedelta(days=5),
            },
            actor=officer,
        )
    services.record_add(
        case=case,
        kind="actions",
        fields={"description": "Invented", "owner": "Police", "due_on": TODAY},
        actor=officer,
    )
    return case


def add_chronology(case: CaseReview, officer, total: int) -> None:  # type: ignore[no-untyped-def]
    have = ChronologyEntry.objects.filter(case=case).count()
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            case=case,
            occurred_on=TODAY - timedelta(days=n % 3000),
            agency="Health visiting",
            event=f"Invented event {n}",
            source="Invented records",
            recorded_by=officer,
        )
        for n in range(have, total)
    )


def report(client: Client, path: str, label: str, trivial: float, seconds: float) -> None:
    with measured() as found:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    per_second = rate(lambda: client.get(path), seconds=seconds)
    print(
        f"  {label:<28} {found['queries']:>3.0f} queries, {per_second:7.1f} req/s = "
        f"{per_second / trivial:.2f}x the trivial view; decrypted {found['opened']:.0f} "
        f"value(s) in {found['opening'] * 1000:.1f} ms"
    )
    figure(
        f"Case reviews: {label}",
        per_second / trivial,
        baseline="trivial view, full middleware",
        note=f"{found['queries']:.0f} queries",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    seconds = parser.parse_args().seconds
    as_production_runs()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor}")
    officer = UserFactory(roles=[str(Role.REVIEW_OFFICER)])
    member = UserFactory(roles=[str(Role.REVIEW_PANEL_MEMBER)])
    client = Client()
    sign_in(client, member)
    trivial = rate(lambda: client.get("/bench/trivial/"), seconds=seconds)
    print(f"  trivial view: {trivial:.1f} req/s")

    print("\n== Case reviews dashboard (a member's live cases)")
    cases = [open_case(officer, member, 1)]
    report(client, "/staff/case-reviews/", "1 case", trivial, seconds)
    cases += [open_case(officer, member, n) for n in range(2, 51)]
    report(client, "/staff/case-reviews/", "50 cases", trivial, seconds)

    print("\n== A case page (the latest 10 chronology entries shown)")
    case = cases[0]
    page = f"/staff/case-reviews/{case.pk}/"
    add_chronology(case, officer, 10)
    report(client, page, "10 chronology entries", trivial, seconds)
    add_chronology(case, officer, 2000)
    report(client, page, "2,000 chronology entries", trivial, seconds)
    whole = f"/staff/case-reviews/{case.pk}/records/chronology/"
    report(client, whole, "whole chronology, 2,000", trivial, seconds)


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
