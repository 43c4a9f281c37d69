"""`make run`: links in emails point at the address the site is served on, and a mistyped
address gets the site's own "Page not found" page."""

from __future__ import annotations

import subprocess

from tests.processes import ROOT


def _recipe(*args: str) -> str:
    return subprocess.run(  # noqa: S603
        ["make", "-n", *args],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_make_run_on_another_port_gives_links_on_that_port() -> None:
    recipe = _recipe("run", "PORT=8401")

    seed = next(line for line in recipe.splitlines() if "seed_demo" in line)
    serve = next(line for line in recipe.splitlines() if "honcho" in line)
    assert "SITE_URL=http://127.0.0.1:8401" in seed
    assert "SITE_URL=http://127.0.0.1:8401" in serve


def test_a_site_url_given_by_the_developer_wins() -> None:
    recipe = _recipe("run", "PORT=8401", "SITE_URL=https://training.example.org")

    assert "SITE_URL=https://training.example.org" in recipe
    assert "SITE_URL=http://127.0.0.1:8401" not in recipe


def test_make_run_uses_the_sites_own_error_pages_unless_asked_for_debug_pages() -> None:
    serve = next(line for line in _recipe("run").splitlines() if "honcho" in line)
    assert "DEBUG=false" in serve

    serve = next(line for line in _recipe("run", "DEBUG=true").splitlines() if "honcho" in line)
    assert "DEBUG=true" in serve
