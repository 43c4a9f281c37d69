"""Every state of the public forms in Chromium (empty, with errors, confirmation): zero axe
violations, one h1, the right title, and keyboard-only journeys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from playwright.sync_api import Page, expect

from safeguarding.public.models import Enquiry
from tests.browser.conftest import assert_accessible, assert_page_basics, tab_to
from tests.smtp import Mailbox, text_body


def test_contact_form_empty_then_with_errors_then_sent(
    page: Page, live_server: Any, mailbox: Mailbox, run_tasks: Callable[[], None]
) -> None:
    page.goto("/contact/")
    assert_page_basics(page, "Contact us")
    assert_accessible(page)

    page.get_by_role("button", name="Send message").click()
    assert_page_basics(page, "Error: Contact us")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter your message")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    assert_accessible(page)

    summary.get_by_role("link", name="Choose what your enquiry is about").click()
    expect(page.get_by_label("A general question")).to_be_focused()
    page.get_by_label("Training").check()
    page.get_by_label("Your name").fill("Invented Person")
    page.get_by_label("Email address").fill("invented@example.org")
    page.get_by_label("Your message").fill("Is there a course on neglect?")
    page.get_by_role("button", name="Send message").click()

    assert_page_basics(page, "Message sent")
    assert_accessible(page)
    run_tasks()
    [message] = mailbox.to(str(settings.BUSINESS_UNIT_INBOX))
    assert "Is there a course on neglect?" in text_body(message)


def test_contact_form_by_keyboard_alone(page: Page, live_server: Any) -> None:
    page.goto("/contact/")

    page.keyboard.press("Tab")
    expect(page.locator(".govuk-skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    tab_to(page, "#id_kind_0")
    page.keyboard.press("ArrowDown")  # radios: arrows move and choose
    expect(page.get_by_label("Training")).to_be_checked()
    tab_to(page, "#id_name")
    page.keyboard.type("Invented Keyboard User")
    page.keyboard.press("Tab")
    page.keyboard.type("keyboard@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("Sent without a mouse.")
    tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert_page_basics(page, "Message sent")
    assert Enquiry.objects.get().name == "Invented Keyboard User"


def test_a_freedom_of_information_request_gets_its_answer(page: Page, live_server: Any) -> None:
    page.goto("/contact/")

    page.get_by_label("A Freedom of Information request").check()
    page.get_by_role("button", name="Send message").click()

    assert_page_basics(page, "Freedom of Information requests")
    expect(page.locator("main")).to_contain_text(str(settings.PARTNERSHIP["foi_statement"]))
    assert_accessible(page)
    assert Enquiry.objects.count() == 0


def test_the_rights_request_form_with_errors_is_accessible(page: Page, live_server: Any) -> None:
    page.goto("/your-data/request/")
    page.get_by_role("button", name="Send request").click()

    assert_page_basics(page, "Error: Make a request about your data")
    assert_accessible(page)
