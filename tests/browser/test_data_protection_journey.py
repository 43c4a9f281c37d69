"""In Chromium, on a phone-sized screen: the data protection lead finds a person by name,
holds all their records for a matter, previews and completes their access request, and the
requester downloads the export from the emailed link after typing their address again.
Every page is checked with axe and must not scroll sideways."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.privacy.models.rights_outcomes import ExportDelivery
from tests.browser.conftest import _new_context, assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.browser.test_training_staff import checked
from tests.privacy.access_rights import open_request
from tests.privacy.test_people import SAM, sams_booking
from tests.smtp import Mailbox, links


def test_the_lead_holds_a_persons_records_and_the_requester_downloads_their_export(
    page: Page,
    browser: Browser,
    live_server: Any,
    network_log: list[str],
    mailbox: Mailbox,
    run_tasks: Callable[[], None],
    make_user: Callable[..., User],
) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sams_booking()
    request = open_request(email=SAM, full_name="Sam Patel")
    signed_in(page, live_server, make_user(Role.DATA_PROTECTION_LEAD, full_name="Dana Lead"))

    # Find the person by name; the search is posted, never in the address.
    page.goto("/staff/")
    page.get_by_role("link", name="Find a person").click()
    assert_page_basics(page, "Find a person")
    checked(page)
    page.get_by_role("button", name="Search").click()
    assert_page_basics(page, "Error: Find a person")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name or an email address")
    checked(page)
    page.get_by_label("Name or email address").fill("sam pat")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table")).to_contain_text(SAM)
    assert "sam" not in page.url.lower()
    checked(page)

    # Their page: every record in plain words; hold them all for a matter.
    page.get_by_role("link", name="Sam Patel").click()
    assert_page_basics(page, "Sam Patel")
    expect(page.locator("main")).to_contain_text("Booking on Working together, 25 January 2027")
    checked(page)
    page.get_by_role("link", name="Hold all their records").click()
    page.get_by_role("button", name="Hold their records").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the matter the records are kept for"
    )
    checked(page)
    page.get_by_label("Matter").fill("Claim KB-2026-000123 (invented)")
    page.get_by_label("Why must the records be kept?").fill("Evidence in a claim")
    page.get_by_label("Authority").fill("Litigation: claim ref KB-2026-000123")
    review = timezone.localdate() + timedelta(days=60)
    group = page.get_by_role("group", name="Review date")
    group.get_by_label("Day").fill(str(review.day))
    group.get_by_label("Month").fill(str(review.month))
    group.get_by_label("Year").fill(str(review.year))
    page.get_by_role("button", name="Hold their records").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("are held")
    expect(page.locator("main")).to_contain_text("Under a legal hold")
    checked(page)
    assert LegalHold.objects.active().filter(scope_label__startswith="Claim KB").exists()

    page.goto("/staff/retention/holds/")
    expect(page.locator("main")).to_contain_text(
        "Training booking: booking on Working together, 25 January 2027"
    )
    checked(page)

    # Their access request: preview the export, then complete it.
    page.goto(f"/staff/rights-requests/{request.pk}/")
    page.get_by_role("link", name="Preview the export").click()
    expect(page.locator("main")).to_contain_text("Booking on Working together, 25 January 2027")
    checked(page)
    page.get_by_role("link", name="Back to the request").click()
    page.get_by_role("link", name="Complete the request").click()
    page.get_by_label("What was done to answer the request?").fill("Export sent by the link")
    page.get_by_role("button", name="Complete the request").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is completed")
    expect(page.get_by_role("region", name="Links sent to download the export")).to_contain_text(
        "Working"
    )
    checked(page)

    # The requester, in a browser of their own, opens the emailed link.
    run_tasks()
    [message] = mailbox.to(SAM)
    [link] = [url for url in links(message) if "/your-data/export/" in url]
    assert link.startswith(live_server.url)
    context = _new_context(browser, live_server, network_log, javascript=True)
    phone = context.new_page()
    phone.set_viewport_size({"width": 375, "height": 800})
    phone.goto(link)
    assert_page_basics(phone, "Download a copy of your data")
    checked(phone)
    phone.get_by_label("Email address").fill("someone.else@example.org")
    phone.get_by_role("button", name="Download my data").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text(
        "Enter the email address we sent this link to"
    )
    checked(phone)
    phone.get_by_label("Email address").fill(SAM)
    with phone.expect_download() as download_info:
        phone.get_by_role("button", name="Download my data").click()
    bundle = Path(download_info.value.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(bundle)) as files:
        summary = files.read("summary.html").decode()
    assert "Your booking on Working together, 25 January 2027" in summary
    context.close()

    delivery = ExportDelivery.objects.get()
    assert (delivery.downloads_used, delivery.failed_confirmations) == (1, 1)
    page.goto(f"/staff/rights-requests/{request.pk}/")
    links_sent = page.get_by_role("region", name="Links sent to download the export")
    expect(links_sent).to_contain_text("1 of 3")
    expect(links_sent).to_contain_text("Working")
    checked(page)
