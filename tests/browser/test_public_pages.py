"""Every public page in Chromium: zero axe-core violations, one h1, the right title."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page

from tests.browser.conftest import assert_accessible, assert_page_basics

PAGES = [
    ("/", str(settings.PARTNERSHIP["name"])),
    ("/about/", "About the partnership"),
    ("/privacy/", "Privacy notice"),
    ("/cookies/", "Cookies"),
    ("/accessibility/", "Accessibility statement"),
    ("/contact/", "Contact us"),
    ("/your-data/", "Your data and your rights"),
    ("/your-data/request/", "Make a request about your data"),
    ("/staff/sign-in/", "Sign in"),
    ("/no-such-page/", "Page not found"),
]


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_public_page_is_accessible_with_one_h1_and_its_title(
    page: Page, live_server: Any, path: str, title: str
) -> None:
    page.goto(path)

    assert_page_basics(page, title)
    assert_accessible(page)
