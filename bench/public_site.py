"""Public pages with the cookie consent middleware and banner, against a trivial view.

The consent decision runs on every request, so it must cost little: each public page's
throughput is printed as a ratio to a trivial Django view measured in the same run, for a
first visit (banner shown), a visitor who accepted analytics (per-response CSP, GA tags) and
a visitor who rejected it. Run with `make bench` or `.venv/bin/python bench/public_site.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import database

cleanup = database.start("public")

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.figures import figure  # noqa: E402
from bench.measure import rate  # noqa: E402


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    settings.GOOGLE_ANALYTICS_ID = "G-BENCH12345"
    from safeguarding.public import consent

    baseline = Client()
    trivial = rate(lambda: baseline.get("/bench/trivial/"))
    print(f"\n== Public pages with cookie consent vs a trivial view ({trivial:.1f} req/s)")
    visitors = {
        "first visit": None,
        "accepted": consent.cookie_value(consent.Choice.ACCEPTED, just_chosen=False),
        "rejected": consent.cookie_value(consent.Choice.REJECTED, just_chosen=False),
    }
    for path in ("/", "/cookies/", "/contact/"):
        for visitor, cookie in visitors.items():
            client = Client()
            if cookie:
                client.cookies["cookies_policy"] = cookie
            assert client.get(path).status_code == 200
            per_second = rate(lambda client=client, path=path: client.get(path))
            print(
                f"  {path:<11} {visitor:<12} {per_second:8.1f} req/s = {per_second / trivial:.2f}x"
            )
            figure(
                f"Public page {path} ({visitor})",
                per_second / trivial,
                baseline="trivial view, full middleware (test client)",
                target=">= 0.7x",
                at_least=0.7,
            )


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
