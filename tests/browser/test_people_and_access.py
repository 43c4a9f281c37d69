"""In Chromium: an administrator invites a member of staff; the invitee opens the emailed link
on a phone-sized screen, chooses a password, sets up two-factor and reaches their dashboard.
Every page is checked with axe, and none scrolls sideways at 375 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from tests.accounts.helpers import totp_code
from tests.browser.conftest import _new_context, assert_accessible, assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.smtp import Mailbox, links

INVITEE = "nia.starter@staff.example.org"
PASSWORD = "plum orchard lantern 47"


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _table_scrolls_in_its_container(page: Page) -> None:
    container = page.locator(".app-table-container").first
    assert container.evaluate("element => element.scrollWidth > element.clientWidth")


def test_an_administrator_invites_a_member_of_staff_who_sets_up_their_account(
    page: Page,
    browser: Browser,
    live_server: Any,
    network_log: list[str],
    mailbox: Mailbox,
    run_tasks: Callable[[], None],
    make_user: Callable[..., User],
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    signed_in(page, live_server, make_user(Role.PARTNERSHIP_ADMINISTRATOR, full_name="Ada Admin"))

    page.goto("/staff/")
    page.get_by_role("link", name="People and access").click()
    assert_page_basics(page, "People and access")
    assert_accessible(page)
    _no_sideways_scroll(page)
    _table_scrolls_in_its_container(page)

    page.get_by_role("link", name="Invite a person").click()
    page.get_by_role("button", name="Send the invitation").click()
    assert_page_basics(page, "Error: Invite a person")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the person's email address")
    expect(summary).to_contain_text("Select at least one role for the person")
    assert_accessible(page)
    _no_sideways_scroll(page)

    page.get_by_label("Full name").fill("Nia Starter")
    page.get_by_label("Email address").fill(INVITEE)
    page.get_by_label("Trainer", exact=True).check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Invitation sent to Nia Starter"
    )
    assert_page_basics(page, "Nia Starter")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Invitation waiting")
    assert_accessible(page)
    _no_sideways_scroll(page)

    page.goto("/staff/people/invitations/")
    expect(page.locator("table")).to_contain_text("Waiting")
    assert_accessible(page)
    _no_sideways_scroll(page)

    run_tasks()
    [message] = mailbox.to(INVITEE)
    [link] = [url for url in links(message) if "/staff/invitation/" in url]
    assert link.startswith(live_server.url + "/staff/invitation/")

    # The invitee, in a browser of their own, on a phone.
    context = _new_context(browser, live_server, network_log, javascript=True)
    phone = context.new_page()
    phone.set_viewport_size({"width": 375, "height": 800})
    phone.goto(link)
    assert_page_basics(phone, "Set up your staff account")
    assert_accessible(phone)
    _no_sideways_scroll(phone)

    phone.get_by_label("Create a password").fill(PASSWORD)
    phone.get_by_label("Type the password again").fill(PASSWORD + " typo")
    phone.get_by_role("button", name="Save password and continue").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("The passwords do not match")
    assert_accessible(phone)

    phone.get_by_label("Create a password").fill(PASSWORD)
    phone.get_by_label("Type the password again").fill(PASSWORD)
    phone.get_by_role("button", name="Save password and continue").click()
    assert_page_basics(phone, "Set up two-factor authentication")
    expect(phone.locator(".govuk-notification-banner")).to_contain_text("Your password is set")
    assert_accessible(phone)
    _no_sideways_scroll(phone)

    invitee = User.objects.get(email=INVITEE)
    device = TOTPDevice.objects.get(user=invitee, confirmed=False)
    phone.get_by_label("Code from your authenticator app").fill(totp_code(device))
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_test_id("recovery-codes").locator("code")).to_have_count(10)
    assert_accessible(phone)

    phone.get_by_role("link", name="I have saved my codes").click()
    expect(phone).to_have_url(f"{live_server.url}/staff/")
    assert_page_basics(phone, "Dashboard")
    expect(phone.locator("main")).to_contain_text("Trainer")
    assert_accessible(phone)
    _no_sideways_scroll(phone)

    # The link has been used: opening it again changes nothing and says so.
    phone.goto(link)
    assert_page_basics(phone, "This link does not work")
    assert_accessible(phone)
    context.close()

    # The administrator sees the invitation accepted, in the person's history.
    page.goto("/staff/people/")
    page.get_by_role("link", name="Nia Starter").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Active")
    expect(page.locator("table")).to_contain_text("The invitation was accepted")
    assert_accessible(page)
    _no_sideways_scroll(page)
