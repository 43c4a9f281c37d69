"""In Chromium: the CDOP coordinator notifies a child's death (after the form refuses a
stillbirth with the reason), asks a GP for a reporting form, which the GP completes from the
emailed link; the coordinator records the joint agency response and the review meeting, makes
the review ready, arranges a panel meeting and builds its agenda, records the panel's
analysis and decision, closes the review, downloads its export and records the day it went
to the National Child Mortality Database; an administrator who is not a member gets 404 for
the review. Every page is checked with axe and must not scroll sideways."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.cdop.models import ChildDeath, Stage
from safeguarding.cdop.reporting_questions import questions_for
from tests.browser.conftest import assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.browser.test_training_staff import checked
from tests.smtp import Mailbox

DOMAINS = (
    "Factors intrinsic to the child",
    "Parenting capacity and family",
    "The social environment",
    "Service provision",
)


def _fill_date(page: Page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _answer(page: Page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _banner(page: Page, text: str) -> None:
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)
    checked(page)


def _notify(page: Page, died: date) -> None:
    page.get_by_role("link", name="Notify a child's death").click()
    assert_page_basics(page, "Notify a child's death")
    checked(page)
    page.get_by_label(re.compile("^A stillbirth")).check()
    page.get_by_role("button", name="Record the notification").click()
    assert_page_basics(page, "Error: Notify a child's death")
    expect(page.locator(".govuk-error-summary")).to_contain_text("does not cover stillbirths")
    checked(page)

    page.get_by_label("The child was born alive").check()
    page.get_by_label("Child's full name").fill("Invented Journey Child")
    _fill_date(page, "Date of birth", died - timedelta(days=700))
    _fill_date(page, "Date of death", died)
    page.get_by_label("NHS number").fill("943 476 5919")
    _answer(page, "Was the death unexpected?", "Yes")
    _answer(page, "Did the child normally live in the partnership's area?", "Yes")
    _answer(page, "Did the child die in the partnership's area?", "Yes")
    page.get_by_label("Name of the person notifying").fill("Dr Invented")
    page.get_by_role("button", name="Record the notification").click()


def _reporting_form(page: Page, mailbox: Mailbox, run_tasks: Callable[[], None]) -> None:
    page.get_by_role("link", name=re.compile("^All the reporting forms")).click()
    page.get_by_role("link", name="Ask for a reporting form").click()
    page.get_by_label("Name", exact=True).fill("Dr Invented GP")
    page.get_by_label("Organisation").fill("Invented Surgery")
    page.get_by_label("Work email address").fill("gp@example.org")
    page.get_by_role("button", name="Ask for the form").click()
    _banner(page, "emailed them a link")

    run_tasks()
    (message,) = mailbox.to("gp@example.org")
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/child-death-review/reporting-form/\S+/", body)
    assert link is not None
    agency = page.context.browser.new_page()  # type: ignore[union-attr]
    agency.goto(link.group(0))
    assert_page_basics(agency, "Reporting form")
    for question in questions_for("reporting"):
        agency.get_by_role("textbox", name=question.label).fill(f"Invented: {question.key}")
    agency.get_by_role("button", name="Submit").click()
    assert_page_basics(agency, "Form sent")
    checked(agency)
    agency.close()

    page.get_by_role("link", name="Back to the review").click()
    expect(page.locator("#reporting-forms ~ div table").first).to_contain_text("Invented Surgery")


def _stages(page: Page, died: date) -> None:
    page.get_by_role("link", name="Record the joint agency response").click()
    _fill_date(page, "Date it began", died + timedelta(days=1))
    page.get_by_role("button", name="Save").click()
    assert_page_basics(page, "Error: Joint agency response")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the agencies")
    checked(page)
    page.get_by_label("Police").check()
    page.get_by_label("Health").check()
    page.get_by_role("button", name="Save").click()
    _banner(page, "The joint agency response was saved")

    page.get_by_role("link", name="Record the child death review meeting").click()
    _fill_date(page, "Date held", died + timedelta(days=20))
    page.get_by_role("button", name="Save").click()
    # Each click waits for the page it lands on: a click on a page Chromium has not yet
    # painted can be dropped, and the journey then waits on the wrong page.
    _banner(page, "The child death review meeting was recorded")
    page.get_by_role("link", name="Make the review ready for the panel").click()
    assert_page_basics(page, "Ready for the panel")
    checked(page)
    page.get_by_role("button", name="Make it ready for the panel").click()
    _banner(page, "ready for the panel")


def _panel_meeting(page: Page, reference: str) -> str:
    page.goto("/staff/child-deaths/")
    page.get_by_role("link", name="Panel meetings").click()
    assert_page_basics(page, "Panel meetings")
    checked(page)
    page.get_by_role("link", name="Arrange a panel meeting").click()
    _fill_date(page, "Date of the meeting", timezone.localdate())
    page.get_by_label("Where").fill("Invented Hall")
    page.get_by_role("button", name="Arrange the meeting").click()
    _banner(page, "The meeting was arranged")
    page.get_by_role("link", name="Add the reviews ready for the panel").click()
    expect(page.locator("main")).to_contain_text(reference)
    checked(page)
    page.get_by_role("button", name="Add them to the agenda").click()
    _banner(page, "1 case(s) were put on the agenda")
    page.get_by_role("link", name="Record attendance").click()
    page.get_by_label("Name").fill("Dr Invented Chair")
    page.get_by_label("Organisation").fill("Invented ICB")
    page.get_by_label("Present").check()
    page.get_by_role("button", name="Record").click()
    _banner(page, "The attendance was recorded")
    return page.url


def _analysis(page: Page) -> None:
    page.get_by_role("link", name="Start the analysis").click()
    assert_page_basics(page, "The panel's analysis")
    checked(page)
    page.get_by_label("Sudden unexpected, unexplained death").check()
    page.get_by_role("button", name="Save and complete the analysis").click()
    assert_page_basics(page, "Error: The panel's analysis")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Select how far the factors contributed"
    )
    checked(page)
    for domain in DOMAINS[:3]:
        _answer(page, f"{domain}: how far the factors contributed", "No factors identified")
    _answer(
        page,
        f"{DOMAINS[3]}: how far the factors contributed",
        "Factors identified that may have contributed",
    )
    page.get_by_label(f"{DOMAINS[3]}: the factors identified").fill("Invented: a late referral")
    page.get_by_label(f"{DOMAINS[3]}: the factors were modifiable").check()
    page.get_by_label("Learning points").fill("Invented: refer sooner")
    page.get_by_role("button", name="Save and complete the analysis").click()
    _banner(page, "The analysis was completed")


@pytest.mark.parametrize("width", [1024, 375])
def test_the_coordinator_takes_a_death_from_notification_to_the_national_database(
    page: Page,
    live_server: Any,
    mailbox: Mailbox,
    run_tasks: Callable[[], None],
    make_user: Callable[..., User],
    width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    coordinator = make_user(Role.CDOP_COORDINATOR)
    died = timezone.localdate() - timedelta(days=40)
    signed_in(page, live_server, coordinator)

    page.goto("/staff/")
    page.get_by_role("link", name="Child death reviews").first.click()
    assert_page_basics(page, "Child death reviews")
    checked(page)
    _notify(page, died)
    case = ChildDeath.objects.get()
    assert_page_basics(page, f"Child death review {case.reference}")
    _banner(page, f"Review {case.reference} opened")
    expect(page.locator("main")).to_contain_text("Invented Journey Child")
    case_url = page.url

    _reporting_form(page, mailbox, run_tasks)
    _stages(page, died)
    meeting_url = _panel_meeting(page, case.reference)
    page.goto(case_url)
    _analysis(page)

    page.goto(meeting_url)
    page.get_by_role("link", name=re.compile("^Record the decision")).click()
    expect(page.get_by_label("Reviewed: analysis completed")).to_be_visible()
    checked(page)
    page.get_by_label("Reviewed: analysis completed").check()
    page.get_by_role("button", name="Save").click()
    _banner(page, "The decision was recorded")

    page.get_by_role("link", name="Close the review").click()
    expect(page).to_have_url(re.compile(r"/close/$"))
    checked(page)
    page.get_by_role("button", name="Close the review").click()
    _banner(page, "The review was closed")
    page.get_by_role("link", name="The export for the National Child Mortality Database").click()
    assert_page_basics(page, f"Export for the National Child Mortality Database: {case.reference}")
    checked(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the export (JSON)").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert case.reference in json.dumps(exported)
    page.get_by_role("link", name="Back to the review").click()
    assert_page_basics(page, f"Child death review {case.reference}")
    page.get_by_role("link", name="Record the date sent").click()
    _fill_date(page, "Date sent to the National Child Mortality Database", timezone.localdate())
    page.get_by_role("button", name="Save").click()
    _banner(page, "The date it was sent was recorded")
    case.refresh_from_db()
    assert case.stage == Stage.CLOSED
    assert case.ncmd_sent_on == timezone.localdate()

    outsider = page.context.browser.new_page()  # type: ignore[union-attr]
    signed_in(outsider, live_server, make_user(Role.PARTNERSHIP_ADMINISTRATOR))
    response = outsider.goto(f"{live_server.url}/staff/child-deaths/{case.pk}/")
    assert response is not None
    assert response.status == 404
    outsider.close()
