"""Public pages against a trivial view: in process (the test client) and under gunicorn.

Every public page an anonymous visitor can open without a secret in its address is measured
as a ratio to a trivial Django view through the same middleware, measured in the same run:
first with the Django test client in process, for a first visit (cookie banner shown), a
visitor who accepted analytics (per-response CSP, GA tags) and one who rejected it; then
served by gunicorn as the README deploys it, to 16 concurrent clients. Each page is measured
in turn with the trivial view, in rounds (median and range), in process as under gunicorn.
Run with `make bench` or `.venv/bin/python bench/public_site.py [--seconds 2]
[--client-seconds 0.4] [--clients 16] [--rounds 3]`; with BENCH_DATABASE_URL set, on a
scratch PostgreSQL database (bench/database.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database

os.environ["DJANGO_SETTINGS_MODULE"] = "bench.training_settings"
cleanup = database.start("public")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.figures import figure  # noqa: E402
from bench.measure import as_production_runs, gunicorn, rate, ratio, served_rate, warm_up  # noqa: E402

ANALYTICS_ID = "G-BENCH12345"
# Measured for every visitor; the other pages for a first visit (the banner and its form).
EVERY_VISITOR = ("/", "/cookies/", "/contact/")
COURSES = 50


def public_pages() -> list[str]:
    """The public pages without a secret in their address, as the page cache's tests list
    them: the layout-only pages, a course and its booking form, then the two that show data
    of their own under its version (the privacy notice and the newsletter sign-up)."""
    from tests.core.test_public_page_cache import STATIC_PAGES, VERSIONED_PAGES
    from tests.training.factories import SessionFactory

    session = SessionFactory.create_batch(COURSES)[0]
    return [
        *(page for page in STATIC_PAGES if "?" not in page),
        f"/courses/{session.course.pk}/",
        f"/courses/sessions/{session.pk}/book/",
        *VERSIONED_PAGES,
    ]


def visitors() -> dict[str, str]:
    from safeguarding.public import consent

    return {
        "first visit": "",
        "accepted": consent.cookie_value(consent.Choice.ACCEPTED, just_chosen=False),
        "rejected": consent.cookie_value(consent.Choice.REJECTED, just_chosen=False),
    }


def in_process(pages: list[str], *, seconds: float, rounds: int) -> None:
    """Each page in turn with the trivial view, ``rounds`` times (``seconds`` each), so the
    two see the same load; the median round and the range."""
    from safeguarding.public import cookies

    baseline = Client()
    trivial = partial(rate, lambda: baseline.get("/bench/trivial/"), seconds=seconds)
    print(f"\n-- Test client, in process, vs a trivial view ({rounds} rounds of {seconds:.1f}s)")
    for path in pages:
        for visitor, cookie in visitors().items():
            if visitor != "first visit" and path not in EVERY_VISITOR:
                continue
            client = Client()
            if cookie:
                client.cookies[cookies.CONSENT_COOKIE_NAME] = cookie
            assert client.get(path).status_code == 200, path
            found = ratio(
                partial(rate, partial(client.get, path), seconds=seconds), trivial, rounds=rounds
            )
            print(f"  {path:<28} {visitor:<12} {found}")
            figure(
                f"Public page {path} ({visitor}, test client, {connection.vendor})",
                found.median,
                baseline="trivial view, full middleware (test client)",
                target=">= 0.7x",
                at_least=0.7,
                note=(
                    f"median of {rounds} ({found.low:.2f}-{found.high:.2f}x); "
                    f"{found.measured:.0f} vs {found.baseline:.0f} req/s"
                ),
            )


def served(pages: list[str], *, seconds: float, clients: int, rounds: int) -> None:
    from safeguarding.public import cookies

    engine = connection.vendor
    print(f"\n-- gunicorn (2 workers x 4 threads), {clients} clients, {seconds:.1f}s a round")
    with gunicorn(GOOGLE_ANALYTICS_ID=ANALYTICS_ID) as base:
        warm_up(base, ["/bench/trivial/", *pages], clients=clients)
        for path in pages:
            for visitor, cookie in visitors().items():
                if visitor != "first visit" and path not in EVERY_VISITOR:
                    continue
                sent = f"{cookies.CONSENT_COOKIE_NAME}={cookie}" if cookie else ""
                found = ratio(
                    partial(served_rate, base, path, clients=clients, seconds=seconds, cookie=sent),
                    partial(served_rate, base, "/bench/trivial/", clients=clients, seconds=seconds),
                    rounds=rounds,
                )
                print(f"  {path:<28} {visitor:<12} {found}")
                figure(
                    f"Public page {path} ({visitor}, gunicorn, {engine})",
                    found.median,
                    baseline="trivial view, full middleware, same server",
                    target=">= 0.7x",
                    at_least=0.7,
                    note=(
                        f"median of {rounds} ({found.low:.2f}-{found.high:.2f}x); "
                        f"{found.measured:.0f} vs {found.baseline:.0f} req/s"
                    ),
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="a gunicorn round")
    parser.add_argument(
        "--client-seconds", type=float, default=0.4, help="a test client round (page or baseline)"
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", choices=["client", "gunicorn"], help="one of the two parts")
    parser.add_argument(
        "--pages", nargs="+", metavar="PATH", help="only these pages (as the output names them)"
    )
    options = parser.parse_args()

    as_production_runs()
    call_command("migrate", verbosity=0)
    settings.GOOGLE_ANALYTICS_ID = ANALYTICS_ID
    print(f"== Public pages ({connection.vendor}); load average {os.getloadavg()[0]:.1f}")
    pages = public_pages()
    if options.pages:
        pages = [page for page in pages if page in options.pages]
    if options.only != "gunicorn":
        in_process(pages, seconds=options.client_seconds, rounds=options.rounds)
    if options.only != "client":
        served(pages, seconds=options.seconds, clients=options.clients, rounds=options.rounds)


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
