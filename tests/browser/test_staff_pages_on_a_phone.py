"""Every staff page, opened by someone allowed to see it on a 375 px wide screen, fits: the
page never scrolls sideways (wide tables scroll in their own container), and axe finds nothing.
The pages and who may see them come from the access table (tests/access.py), so a new staff
page is checked without being listed here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES
from tests.access import collect
from tests.browser.conftest import assert_accessible
from tests.browser.test_newsletter_staff import signed_in
from tests.factories import UserFactory

ACCESS = collect()
# Reached only through an emailed link with a secret in it, which this test cannot follow.
NOT_REACHED_HERE = {"accounts:password_reset_confirm"}
PAGES = sorted(
    name
    for name, access in ACCESS.items()
    if access.method == "get"
    and any(access.roles.get(role) == 200 for role in ALL_ROLES)
    and name not in NOT_REACHED_HERE
)


@pytest.mark.parametrize("name", PAGES)
def test_a_staff_page_fits_a_phone_screen(
    page: Page, live_server: Any, make_user: Callable[..., User], name: str
) -> None:
    access = ACCESS[name]
    role = next(role for role in ALL_ROLES if access.roles.get(role) == 200)
    if access.make_kwargs is not None:
        kwargs = access.make_kwargs()
    else:
        kwargs = {"pk": UserFactory().pk} if access.needs_target else {}
    page.set_viewport_size({"width": 375, "height": 800})
    signed_in(page, live_server, make_user(role))

    url = reverse(name, kwargs=kwargs)
    if "text/html" not in page.request.get(url).headers.get("content-type", ""):
        return  # a download (CSV, PDF, ZIP)
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
        f"{name} scrolls sideways on a phone"
    )
    assert_accessible(page)
