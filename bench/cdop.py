"""Child death review benchmarks: the CDOP coordinator's dashboard (``cdop.selectors.dashboard``)
at 10 cases with 100 reporting forms and at 500 cases with 5,000. Reports the queries of
each (they must not grow with the cases or the forms) and requests/second as a ratio to a
trivial Django view through the same middleware in the same run. The dashboard is served by
a bench view that calls the selector, and the real dashboard page is measured too.

    .venv/bin/python bench/cdop.py [--seconds 2] [--cases 500] [--forms-per-case 10]

Uses a throw-away SQLite database, or BENCH_DATABASE_URL (a scratch PostgreSQL database).
"""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database

cleanup = database.start("cdop")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.figures import figure  # noqa: E402
from bench.measure import as_production_runs, queries_of, rate  # noqa: E402
from safeguarding.accounts.roles import Role  # noqa: E402
from safeguarding.cdop import selectors, services  # noqa: E402
from safeguarding.cdop.models import ChildDeath, FormKind, ReportingForm  # noqa: E402
from safeguarding.cdop.scope import BirthOutcome  # noqa: E402
from safeguarding.cdop.services import ChildDetails, Notifier  # noqa: E402
from tests.conftest import sign_in  # noqa: E402
from tests.factories import UserFactory  # noqa: E402

TODAY = timezone.localdate()
NOTIFIER = Notifier(name="Dr Invented", organisation="Invented Hospital")
DASHBOARD = "/bench/cdop-dashboard/"


def dashboard_view(request: HttpRequest) -> HttpResponse:
    """The selector behind the coordinator's dashboard, through the same middleware."""
    board = selectors.dashboard(request.user)  # type: ignore[arg-type]
    return HttpResponse(f"{board.cases} {board.overdue} {board.forms_outstanding}")


urlpatterns = [path(DASHBOARD.strip("/") + "/", dashboard_view), path("", include("bench.urls"))]


def add_cases(coordinator, have: int, total: int, forms_per_case: int) -> None:  # type: ignore[no-untyped-def]
    for number in range(have, total):
        died = TODAY - timedelta(days=30 + number % 300)
        case = services.notify_death(
            child=ChildDetails(
                name=f"Invented Child {number}",
                date_of_birth=died - timedelta(days=400 + number),
                date_of_death=died,
                birth_outcome=BirthOutcome.LIVE_BIRTH,
                unexpected=number % 3 == 0,
                resident_in_area=True,
                died_in_area=True,
            ),
            notifier=NOTIFIER,
            actor=coordinator,
        ).case
        add_forms(case, coordinator, forms_per_case, number)


def add_forms(case: ChildDeath, coordinator, count: int, number: int) -> None:  # type: ignore[no-untyped-def]
    now = timezone.now()
    ReportingForm.objects.bulk_create(
        ReportingForm(
            case=case,
            kind=FormKind.REPORTING,
            agency=f"Invented agency {n}",
            professional_name="Invented Professional",
            professional_email=f"professional{number}-{n}@example.invalid",
            requested_by=coordinator,
            due_on=TODAY + timedelta(days=(n % 5) * 7 - 14),
            nonce="" if n % 2 else f"bench-{number}-{n}",
            link_expires_at=now + timedelta(days=30),
            submitted_at=now if n % 2 else None,
        )
        for n in range(count)
    )


def report(client: Client, url: str, label: str, trivial: float, seconds: float) -> None:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = queries_of(lambda: client.get(url))
    per_second = rate(lambda: client.get(url), seconds=seconds)
    print(
        f"  {label:<34} {queries:>3} queries, {per_second:7.1f} req/s = "
        f"{per_second / trivial:.2f}x the trivial view"
    )
    figure(
        f"CDOP: {label}",
        per_second / trivial,
        baseline="trivial view, full middleware",
        note=f"{queries} queries",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--forms-per-case", type=int, default=10)
    arguments = parser.parse_args()
    seconds = arguments.seconds
    as_production_runs()
    call_command("migrate", verbosity=0)
    print(f"Database: {connection.vendor}")
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    client = Client()
    sign_in(client, coordinator)
    with override_settings(ROOT_URLCONF=__name__):
        trivial = rate(lambda: client.get("/bench/trivial/"), seconds=seconds)
        print(f"  trivial view: {trivial:.1f} req/s")
        print("\n== The CDOP coordinator's dashboard (the selector, through the middleware)")
        have = 0
        for size in (10, arguments.cases):
            add_cases(coordinator, have, size, arguments.forms_per_case)
            have = size
            forms = ReportingForm.objects.count()
            label = f"{size} cases, {forms:,} forms"
            report(client, DASHBOARD, label, trivial, seconds)
            report(client, reverse("cdop:dashboard"), f"{label} (page)", trivial, seconds)


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
