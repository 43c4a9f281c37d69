"""In Chromium, at desktop and phone widths: the staff pages this round added (replacing
recovery codes, emails that could not be sent) and a rights request about a member of staff's
own account. Each page is checked with axe, and none scrolls sideways at 375 px."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.core.models import FailedEmail
from safeguarding.privacy.models.rights import RequestKind
from tests.accounts.helpers import totp_code
from tests.browser.conftest import assert_accessible, assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.privacy.access_rights import open_request


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1024, 375])
def test_an_administrator_replaces_recovery_codes_and_reads_failed_emails(
    page: Page, live_server: Any, make_user: Callable[..., User], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    administrator = make_user(Role.PARTNERSHIP_ADMINISTRATOR)
    signed_in(page, live_server, administrator)
    device = TOTPDevice.objects.get(user=administrator)
    FailedEmail.objects.create(
        task="safeguarding.accounts.tasks.send_password_reset",
        description="A password reset link",
        reason="SMTPRecipientsRefused",
        attempts=4,
    )

    page.goto("/staff/")
    page.get_by_role("link", name="Replace recovery codes").click()
    assert_page_basics(page, "Replace your recovery codes")
    assert_accessible(page)
    page.get_by_role("button", name="Replace my recovery codes").click()
    assert_page_basics(page, "Error: Replace your recovery codes")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the 6-digit code")
    assert_accessible(page)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Replace my recovery codes").click()
    expect(page.get_by_test_id("recovery-codes").locator("code")).to_have_count(10)
    assert_accessible(page)

    page.goto("/staff/failed-emails/")
    assert_page_basics(page, "Emails that could not be sent")
    expect(page.locator("table")).to_contain_text("The mail server refused the address")
    assert_accessible(page)
    _no_sideways_scroll(page)


def test_a_data_protection_lead_is_told_a_staff_members_request_is_an_administrators(
    page: Page, live_server: Any, make_user: Callable[..., User]
) -> None:
    colleague = make_user(Role.TRAINING_COORDINATOR, email="colleague@staff.example.org")
    request = open_request(email=colleague.email, kind=RequestKind.ACCESS)
    signed_in(page, live_server, make_user(Role.DATA_PROTECTION_LEAD))

    page.goto(f"/staff/rights-requests/{request.pk}/")

    expect(page.locator(".govuk-inset-text")).to_contain_text("about a member of staff")
    expect(page.get_by_role("link", name="Prepare the export")).to_have_count(0)
    assert_accessible(page)
