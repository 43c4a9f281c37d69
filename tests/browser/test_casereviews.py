"""In Chromium, at desktop and phone widths: a panel member signs in, opens their case from the
case reviews page, adds a chronology entry (after a refused date), and uploads a document; an
outsider, an administrator, gets 404 for the case, its chronology and the document, and sees
the yearly figures; a visitor reads the published reviews page. Every page is checked with axe
and must not scroll sideways."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.casereviews import services
from safeguarding.casereviews.figures import reporting_year
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import Document, MembershipRole
from tests.browser.conftest import assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.browser.test_training_staff import checked


def _fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


@pytest.mark.parametrize("width", [1024, 375])
def test_a_panel_member_works_on_their_case_and_an_outsider_finds_nothing(
    page: Page, live_server: Any, make_user: Callable[..., User], width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    officer = make_user(Role.REVIEW_OFFICER)
    panel = make_user(Role.REVIEW_PANEL_MEMBER)
    case = services.case_open(
        reference="CR 2027-01 (invented)", summary="Invented for the test", actor=officer
    )
    workspace_services.membership_grant(
        workspace=case.workspace,
        user=panel,
        role=MembershipRole.MEMBER,
        reason="Invented: panel member",
        actor=officer,
    )
    services.notification_record(
        case=case,
        fields={
            "outcome": "serious_harm",
            "aware_on": timezone.localdate() - timedelta(days=1),
            "looked_after": False,
        },
        actor=officer,
    )
    signed_in(page, live_server, panel)

    page.goto("/staff/case-reviews/")
    assert_page_basics(page, "Case reviews")
    checked(page)
    page.get_by_role("link", name="CR 2027-01 (invented)").click()
    assert_page_basics(page, "Case CR 2027-01 (invented)")
    expect(page.locator("#clocks ~ div table")).to_contain_text("Notify the national panel")
    checked(page)

    page.get_by_role("link", name="Add to the chronology").first.click()
    assert_page_basics(page, "Add to the chronology")
    checked(page)
    _fill_date(page, "Date of the event", "31", "2", "2026")
    page.get_by_label("Agency").fill("School (invented)")
    page.get_by_label("What happened").fill("Invented: did not come to school")
    page.get_by_role("button", name="Add to the chronology").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Date of the event must be a real date"
    )
    assert_page_basics(page, "Error: Add to the chronology")
    checked(page)
    _fill_date(page, "Date of the event", "27", "2", "2026")
    page.get_by_role("button", name="Add to the chronology").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The chronology entry was added."
    )
    expect(page.locator("#chronology ~ dl").first).to_contain_text(
        "Invented: did not come to school"
    )
    checked(page)

    page.get_by_role("link", name="Documents").click()
    checked(page)
    page.get_by_role("link", name="Add a document").click()
    checked(page)
    page.get_by_label("Title").fill("Invented agency summary")
    page.get_by_label("Upload a file").set_input_files(
        {"name": "summary.txt", "mimeType": "text/plain", "buffer": b"Invented summary.\n"}
    )
    page.get_by_role("button", name="Add the document").click()
    expect(page.locator("main")).to_contain_text("Invented agency summary")
    checked(page)
    document = Document.objects.get(workspace=case.workspace)

    page.context.clear_cookies()
    signed_in(page, live_server, make_user(Role.PARTNERSHIP_ADMINISTRATOR, Role.REVIEW_OFFICER))
    for path in (
        f"/staff/case-reviews/{case.pk}/",
        f"/staff/case-reviews/{case.pk}/records/chronology/",
        f"/staff/workspaces/{case.workspace.pk}/documents/",
        f"/staff/workspaces/{case.workspace.pk}/documents/{document.pk}/",
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == 404, path
        expect(page.locator("main")).not_to_contain_text("invented", ignore_case=False)
    page.goto("/staff/case-reviews/")
    expect(page.locator("main")).to_contain_text("You are not a member of any live case.")
    checked(page)
    page.get_by_role("link", name="Figures for the yearly report").click()
    year = reporting_year(timezone.localdate())
    assert_page_basics(page, f"Case review figures, 1 April {year} to 31 March {year + 1}")
    checked(page)

    page.context.clear_cookies()
    page.goto("/case-reviews/")
    assert_page_basics(page, "Published case reviews")
    checked(page)
