"""In Chromium: a professional notifies a child's death through the public form (after the
form refuses a stillbirth with the reason); the CDOP coordinator asks a GP for a reporting
form; the GP opens the emailed link, saves a draft, comes back, submits with a "Not known";
the link then says the form was sent; the coordinator reads the answers. Every page is
checked with axe and must not scroll sideways."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.cdop import services
from safeguarding.cdop.models import Notification
from safeguarding.cdop.reporting_questions import questions_for
from tests.browser.conftest import assert_page_basics
from tests.browser.test_newsletter_staff import signed_in
from tests.browser.test_training_staff import checked
from tests.cdop.conftest import NOTIFIER, child_details
from tests.smtp import Mailbox


def _fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


@pytest.mark.parametrize("width", [1024, 375])
def test_a_professional_notifies_a_death_online(page: Page, live_server: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/child-death-notification/")
    assert_page_basics(page, "Notify the death of a child")
    checked(page)

    page.get_by_label(re.compile("^A stillbirth")).check()
    page.get_by_role("button", name="Send the notification").click()
    assert_page_basics(page, "Error: Notify the death of a child")
    expect(page.locator(".govuk-error-summary")).to_contain_text("does not cover stillbirths")
    checked(page)

    page.get_by_label("The child was born alive").check()
    page.get_by_label("Child's full name").fill("Invented Browser Child")
    _fill_date(page, "Date of birth", "3", "4", "2020")
    _fill_date(page, "Date of death", "1", "11", "2026")
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_role("group", name="Did the child live in the partnership's area?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Did the child die in the partnership's area?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("group", name="Was the death unexpected?").get_by_label("No").check()
    page.get_by_label("Your full name").fill("Dr Invented")
    page.get_by_label("Your role").fill("Paediatrician")
    page.get_by_label("Your organisation").fill("Invented Hospital")
    page.get_by_label("Your work email address").fill("dr.invented@example.org")
    page.get_by_role("button", name="Send the notification").click()

    assert_page_basics(page, "Notification sent")
    expect(page.locator("main")).not_to_contain_text("Invented Browser Child")
    checked(page)
    assert Notification.objects.get().case is None


def test_an_agency_completes_a_reporting_form_from_its_email(
    page: Page,
    live_server: Any,
    mailbox: Mailbox,
    run_tasks: Callable[[], None],
    make_user: Callable[..., User],
) -> None:
    coordinator = make_user(Role.CDOP_COORDINATOR)
    case = services.notify_death(
        child=child_details(nhs_number=""), notifier=NOTIFIER, actor=coordinator
    ).case
    signed_in(page, live_server, coordinator)

    page.goto(f"/staff/child-deaths/{case.pk}/reporting-forms/")
    assert_page_basics(page, f"Reporting forms, case {case.reference}")
    checked(page)
    page.get_by_role("link", name="Ask for a reporting form").click()
    assert_page_basics(page, f"Ask for a reporting form, case {case.reference}")
    checked(page)
    page.get_by_label("Name", exact=True).fill("Dr Invented GP")
    page.get_by_label("Organisation").fill("Invented Surgery")
    page.get_by_label("Work email address").fill("gp@example.org")
    page.get_by_role("button", name="Ask for the form").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("emailed them a link")
    checked(page)

    run_tasks()
    (message,) = mailbox.to("gp@example.org")
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/child-death-review/reporting-form/\S+/", body)
    assert link is not None

    agency = page.context.browser.new_page()  # type: ignore[union-attr]
    agency.goto(link.group(0))
    assert_page_basics(agency, "Reporting form")
    checked(agency)
    questions = questions_for("reporting")
    agency.get_by_role("textbox", name=questions[0].label).fill("Invented: GP since birth")
    agency.get_by_role("button", name="Save and come back later").click()
    expect(agency.locator(".govuk-notification-banner")).to_contain_text("answers are saved")
    checked(agency)

    agency.goto(link.group(0))
    first = agency.get_by_role("textbox", name=questions[0].label)
    expect(first).to_have_value("Invented: GP since birth")
    agency.get_by_role("button", name="Submit").click()
    assert_page_basics(agency, "Error: Reporting form")
    checked(agency)
    for question in questions[1:]:
        agency.get_by_role("textbox", name=question.label).fill(f"Invented: {question.key}")
    agency.get_by_role("textbox", name=questions[-1].label).fill("")
    agency.get_by_role("checkbox", name=re.compile(f"^Not known.*{questions[-1].label}")).check()
    agency.get_by_role("button", name="Submit").click()
    assert_page_basics(agency, "Form sent")
    checked(agency)

    agency.goto(link.group(0))
    assert_page_basics(agency, "This form has already been sent")
    expect(agency.locator("main")).not_to_contain_text("GP since birth")
    checked(agency)
    agency.close()

    page.goto(f"/staff/child-deaths/{case.pk}/reporting-forms/")
    page.get_by_role("link", name=re.compile("^Read the answers")).click()
    expect(page.locator("main")).to_contain_text("Invented: GP since birth")
    expect(page.locator("main")).to_contain_text("Not known")
    checked(page)
