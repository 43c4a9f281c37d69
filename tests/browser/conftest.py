"""Fixtures for end-to-end tests in a real headless Chromium, driven by Playwright.

Use them in any ``tests/browser/test_*.py`` module (the training and newsletter journeys too)::

    def test_visitor_can_read_the_home_page(page: Page, live_server) -> None:
        page.goto(live_server.url + "/")
        assert_accessible(page)

What each gives you:

- ``live_server`` (pytest-django): the site in a thread of this process, on the test database.
  Settings changed with the ``settings`` fixture apply to it, so the ``mailbox`` below works.
- ``browser``: one Chromium per test module, Debian's package at ``/usr/bin/chromium``.
- ``page``: a fresh browser context (empty cookie jar and storage) and page for each test.
  Every request the page makes is in ``network_log`` (a list of URLs); requests to any host
  other than the live server are recorded and then aborted, so a test never reaches the
  internet and can assert that, for example, no request went to the analytics host.
- ``no_script_page``: the same with JavaScript turned off.
- ``mailbox``: the real loopback SMTP server (``smtp_server`` from tests/conftest.py). Mail
  is sent by background tasks: call ``run_tasks()`` before looking in the mailbox.
- ``assert_accessible(page)``: runs axe-core (the npm package pinned in package.json, built
  into node_modules by ``npm ci``) on the page as it is now, against the WCAG 2.0/2.1/2.2 A
  and AA rules, and fails listing every violation.
- ``assert_page_basics(page, title)``: exactly one ``<h1>`` and the expected ``<title>``.
- ``tab_to(page, selector)``: press Tab until that element has focus (keyboard journeys).
- ``analytics``: Google Analytics configured with an invented measurement ID.

When ``/usr/bin/chromium`` is missing, every test here is skipped and the run ends with a line
saying so and how to install it (``apt-get install -y chromium``; CI does that in ``.ci/run``).

Playwright's sync API runs an event loop in this thread, which Django would take for async
code; ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set only while a module of these tests runs.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Route,
    expect,
    sync_playwright,
)

from tests.smtp import Mailbox

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HERE = Path(__file__).resolve().parent
ANALYTICS_ID = "G-BROWSER123"
ANALYTICS_HOSTS = ("googletagmanager.com", "google-analytics.com", "analytics.google.com")


def missing_reason() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    if not CHROMIUM.exists():
        return (
            f"{CHROMIUM} is missing: install Debian's chromium package "
            "(apt-get install -y chromium) to run the browser tests"
        )
    if not AXE_SCRIPT.exists():
        return "node_modules/axe-core is missing: run `npm ci` (make assets)"
    return ""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium or axe the browser tests are skipped, saying why: a newcomer's
    ``make test`` needs only Python, Node and make. Where they are required
    (``BROWSER_TESTS=required``, as ``.ci/run`` sets) the run stops with the reason instead,
    so CI can never pass without them."""
    reason = missing_reason()
    if not reason:
        return
    if os.environ.get("BROWSER_TESTS") == "required":
        raise pytest.UsageError(f"The browser tests are required here, but {reason}.")
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def _allow_sync_playwright_with_django() -> Iterator[None]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def playwright(_allow_sync_playwright_with_django: None) -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    args = ["--disable-dev-shm-usage"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox as root (containers, CI)
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
    yield launched
    launched.close()


@pytest.fixture
def network_log() -> list[str]:
    return []


def _new_context(
    browser: Browser, live_server: Any, network_log: list[str], *, javascript: bool
) -> BrowserContext:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    own = re.escape(live_server.url)

    def outside(route: Route) -> None:
        route.abort()

    context.on("request", lambda request: network_log.append(request.url))
    context.route(re.compile(rf"^(?!{own}).*"), outside)
    return context


@pytest.fixture
def page(browser: Browser, live_server: Any, network_log: list[str]) -> Iterator[Page]:
    context = _new_context(browser, live_server, network_log, javascript=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def no_script_page(browser: Browser, live_server: Any, network_log: list[str]) -> Iterator[Page]:
    context = _new_context(browser, live_server, network_log, javascript=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def mailbox(smtp_server: Mailbox, settings: Any, live_server: Any) -> Mailbox:
    """The loopback SMTP server's mailbox; links in emails point at the live server."""
    settings.SITE_URL = live_server.url
    return smtp_server


@pytest.fixture
def analytics(settings: Any) -> str:
    """Google Analytics configured (requests to its hosts are aborted and logged)."""
    settings.GOOGLE_ANALYTICS_ID = ANALYTICS_ID
    return ANALYTICS_ID


def tab_to(page: Page, selector: str, *, most: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has focus, as a keyboard user would."""
    target = page.locator(selector)
    for _ in range(most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} never received focus after {most} presses of Tab")


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations of the WCAG 2.2 A and AA rules on the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's CSP does not block, so
    the page is checked with its real Content Security Policy in force.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate(
        "tags => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA_TAGS,
    )
    violations = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]],
        }
        for violation in results["violations"]
    ]
    assert violations == [], f"{page.url}: {json.dumps(violations, indent=2)}"


def assert_page_basics(page: Page, title: str) -> None:
    """One <h1>, and a <title> of "<title> (en dash) <short name>" (GOV.UK's page title pattern)."""
    from django.conf import settings

    # expect() waits for a page that is still loading after a click or a key press.
    expect(page).to_have_title(f"{title} \N{EN DASH} {settings.PARTNERSHIP['short_name']}")
    expect(page.locator("h1")).to_have_count(1)
