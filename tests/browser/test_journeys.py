"""End-to-end journeys in Chromium: a rights request confirmed from the emailed link, and a
staff sign-in with password and TOTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.rights import RequestStatus, RightsRequest
from tests.accounts.helpers import totp_code
from tests.browser.conftest import assert_accessible, assert_page_basics, tab_to
from tests.factories import PASSWORD
from tests.smtp import Mailbox, links


def test_a_rights_request_is_started_and_confirmed_by_the_emailed_link(
    page: Page, live_server: Any, mailbox: Mailbox, run_tasks: Callable[[], None]
) -> None:
    page.goto("/your-data/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Email address").fill("sam.subject@example.org")
    page.get_by_label("Full name").fill("Sam Subject")
    page.get_by_label("Access: a copy of your data").check()
    page.get_by_label("I am the person this request is about").check()
    page.get_by_role("button", name="Send request").click()

    assert_page_basics(page, "Check your email")
    assert_accessible(page)
    run_tasks()
    [message] = mailbox.to("sam.subject@example.org")
    [link] = [url for url in links(message) if "/your-data/confirm/" in url]

    page.goto(link)
    assert_accessible(page)
    request = RightsRequest.objects.get()
    assert request.status == RequestStatus.AWAITING_CONFIRMATION, "a GET confirmed the request"
    page.get_by_role("button", name="Confirm my request").click()

    expect(page.locator("h1")).to_have_text("Your request is confirmed")
    assert_accessible(page)
    request.refresh_from_db()
    assert request.status == RequestStatus.OPEN


def test_staff_sign_in_with_password_and_totp_by_keyboard(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.TRAINING_COORDINATOR)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    page.goto("/staff/sign-in/")
    assert_accessible(page)
    tab_to(page, "#id_username")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert_page_basics(page, "Enter your code")
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(totp_code(device))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/staff/")
    assert_accessible(page)
    session = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert session["expires"] == -1, "the session cookie must end when the browser closes"


def test_a_wrong_password_shows_an_accessible_error(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.TRAINING_COORDINATOR)

    page.goto("/staff/sign-in/")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Continue").click()

    assert_page_basics(page, "Error: Sign in")
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert_accessible(page)
