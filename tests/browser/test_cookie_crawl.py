"""A crawl of the site in Chromium that collects every cookie and storage key actually set,
and fails on any the cookie registry does not declare (P18), or that outlives its declared
lifetime (P22: the session cookie must end when the browser closes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urldefrag, urlparse

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.public import cookies
from safeguarding.public.cookies import Storage
from tests.accounts.helpers import totp_code
from tests.factories import PASSWORD

MOST_PAGES = 40
# Slack for the seconds between the server setting a cookie and this test reading it.
SLACK = timedelta(minutes=5)


class Collector:
    """Every cookie and storage key seen, and what is wrong with each."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.seen: set[tuple[str, str]] = set()
        self.problems: list[str] = []

    def collect(self) -> None:
        for cookie in self.page.context.cookies():
            name = cookie["name"]
            self.seen.add((Storage.COOKIE.value, name))
            declared = cookies.declaration_for(name)
            if declared is None:
                self.problems.append(f"undeclared cookie {name} (on {self.page.url})")
            elif declared.lifetime is None and cookie["expires"] != -1:
                self.problems.append(f"{name} outlives the browser session")
            elif declared.lifetime is not None:
                expires = datetime.fromtimestamp(cookie["expires"], UTC)
                if expires - datetime.now(UTC) > declared.lifetime + SLACK:
                    self.problems.append(f"{name} lives longer than {declared.expires}")
        for storage, area in (
            (Storage.LOCAL_STORAGE, "localStorage"),
            (Storage.SESSION_STORAGE, "sessionStorage"),
        ):
            for key in self.page.evaluate(f"Object.keys(window.{area})"):
                self.seen.add((storage.value, key))
                if cookies.declaration_for(key, storage) is None:
                    self.problems.append(f"undeclared {storage} key {key} (on {self.page.url})")


# Links to files (CSV, ZIP, PDF, calendar) start a download rather than a page: a download
# sets no cookie the page did not, and Playwright cannot "visit" one.
DOWNLOADS = (".csv", ".zip", ".pdf", ".ics", ".json")


def crawl(page: Page, collector: Collector, start: str, origin: str) -> set[str]:
    """Follow every link on the site from ``start`` (breadth first), collecting as it goes."""
    queue, visited = [start], set()
    while queue and len(visited) < MOST_PAGES:
        url = urldefrag(queue.pop(0)).url
        if url in visited:
            continue
        visited.add(url)
        page.goto(url)
        collector.collect()
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parsed = urlparse(href)
            download = parsed.path.rsplit("/", 1)[-1].endswith(DOWNLOADS)
            if href.startswith(origin) and not parsed.path.startswith("/static/") and not download:
                queue.append(href)
    return visited


def test_every_cookie_and_storage_key_the_site_sets_is_declared(
    page: Page,
    live_server: Any,
    analytics: str,
    make_user: Callable[..., User],
) -> None:
    collector = Collector(page)
    origin = live_server.url

    visited = crawl(page, collector, f"{origin}/", origin)
    page.goto("/about/")
    page.get_by_role("button", name="Accept analytics cookies").click()
    collector.collect()
    page.goto("/contact/")
    page.get_by_label("Training").check()
    page.get_by_label("Your name").fill("Invented Crawler")
    page.get_by_label("Email address").fill("crawler@example.org")
    page.get_by_label("Your message").fill("Collecting cookies.")
    page.get_by_role("button", name="Send message").click()
    collector.collect()
    page.goto("/your-data/request/")
    page.get_by_role("button", name="Send request").click()
    collector.collect()
    user = make_user(Role.TRAINING_COORDINATOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page.goto("/staff/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code", exact=True).fill(totp_code(device))
    page.get_by_role("button", name="Sign in").click()
    collector.collect()
    visited |= crawl(page, collector, f"{origin}/staff/", origin)

    assert collector.problems == []
    assert len(visited) >= 8, visited
    names = {name for _, name in collector.seen}
    # The crawl did reach the states that set each first-party cookie.
    assert {"csrftoken", "sessionid", cookies.CONSENT_COOKIE_NAME} <= names
