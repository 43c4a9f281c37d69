"""The cookie banner and the visitor's choice, as a browser with JavaScript off sees them
(P20, P23, P24). tests/browser repeats the important journeys in Chromium."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from safeguarding.public import consent, cookies
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ANALYTICS_HOST = "www.googletagmanager.com"
BANNER = 'class="govuk-cookie-banner"'


def choose(client: Client, answer: str, next_page: str = "/about/"):
    return client.post("/cookies/choice/", {"analytics": answer, "next": next_page})


def checked(content: str) -> str:
    """The value of the checked analytics radio on the cookies page."""
    values = re.findall(r'name="analytics" value="(\w+)"[^>]*checked', content)
    assert len(values) == 1, values
    return values[0]


def consent_cookie(response) -> str:
    return str(response.cookies[cookies.CONSENT_COOKIE_NAME].value)


def test_without_analytics_there_is_no_banner_and_no_analytics(client: Client) -> None:
    response = client.get("/")

    content = response.content.decode()
    assert BANNER not in content
    assert ANALYTICS_HOST not in content
    assert ANALYTICS_HOST not in response["Content-Security-Policy"]


def test_the_banner_comes_first_before_the_skip_link_and_offers_equal_choices(
    client: Client, analytics: str
) -> None:
    content = client.get("/about/").content.decode()

    assert content.index(BANNER) < content.index('class="govuk-skip-link"')
    assert 'value="yes" class="govuk-button"' in content
    assert 'value="no" class="govuk-button"' in content
    assert "Accept analytics cookies" in content
    assert "Reject analytics cookies" in content
    assert 'href="/cookies/">View cookies</a>' in content
    assert "position: fixed" not in content


def test_before_a_choice_no_analytics_script_csp_source_or_cookie(
    client: Client, analytics: str
) -> None:
    response = client.get("/")

    assert ANALYTICS_HOST not in response.content.decode()
    assert ANALYTICS_HOST not in response["Content-Security-Policy"]
    # Only the strictly necessary cookie that protects the banner's form.
    assert list(response.cookies) == [settings.CSRF_COOKIE_NAME]


def test_the_cookies_page_does_not_show_the_banner(client: Client, analytics: str) -> None:
    assert BANNER not in client.get("/cookies/").content.decode()


def test_accepting_remembers_the_choice_for_a_year_and_goes_back(
    client: Client, analytics: str
) -> None:
    response = choose(client, "yes", "/about/")

    assert response.status_code == 302
    assert response["Location"] == "/about/"
    cookie = response.cookies[cookies.CONSENT_COOKIE_NAME]
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"]
    assert cookie.value == f"{cookies.policy_version()}.yes.new"


def test_after_accepting_the_next_page_confirms_once_and_loads_analytics(
    client: Client, analytics: str
) -> None:
    choose(client, "yes")

    first = client.get("/about/")
    content = first.content.decode()
    assert "You\N{RIGHT SINGLE QUOTATION MARK}ve accepted analytics cookies" in content
    assert "Hide cookie message" in content
    assert f"https://{ANALYTICS_HOST}/gtag/js?id={analytics}" in content
    assert "anonymize_ip: true" in content
    assert "user_id" not in content
    assert f"https://{ANALYTICS_HOST}" in first["Content-Security-Policy"]
    assert consent_cookie(first) == f"{cookies.policy_version()}.yes"

    second = client.get("/about/")
    assert BANNER not in second.content.decode()
    assert f"https://{ANALYTICS_HOST}" in second["Content-Security-Policy"]


def test_rejecting_confirms_and_removes_the_analytics_cookies_already_set(
    client: Client, analytics: str
) -> None:
    client.cookies["_ga"] = "GA1.1.123.456"
    client.cookies["_ga_TEST12345"] = "GS1.1.1"
    client.cookies["unrelated"] = "kept"

    response = choose(client, "no")

    assert consent_cookie(response) == f"{cookies.policy_version()}.no.new"
    for name in ("_ga", "_ga_TEST12345"):
        assert response.cookies[name]["max-age"] == 0
        assert response.cookies[name].value == ""
    assert "unrelated" not in response.cookies
    page = client.get("/about/").content.decode()
    assert "You\N{RIGHT SINGLE QUOTATION MARK}ve rejected analytics cookies" in page
    assert ANALYTICS_HOST not in page


def test_a_later_page_removes_analytics_cookies_a_visitor_who_rejected_still_has(
    client: Client, analytics: str
) -> None:
    client.cookies[cookies.CONSENT_COOKIE_NAME] = consent.cookie_value(
        consent.Choice.REJECTED, just_chosen=False
    )
    client.cookies["_gid"] = "GA1.1.9"

    response = client.get("/")

    assert response.cookies["_gid"]["max-age"] == 0


def test_the_hide_button_without_javascript_goes_back_to_the_page(
    client: Client, analytics: str
) -> None:
    choose(client, "yes")
    client.get("/about/")

    response = client.post("/cookies/hide/", {"next": "/about/"}, follow=True)

    assert response.redirect_chain == [("/about/", 302)]
    assert BANNER not in response.content.decode()


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/", ""])
def test_the_banner_never_sends_the_visitor_to_another_site(
    client: Client, analytics: str, target: str
) -> None:
    response = choose(client, "no", target)

    assert response["Location"] == "/"


def test_a_bad_answer_changes_nothing_and_says_so(client: Client, analytics: str) -> None:
    response = choose(client, "maybe")

    assert response.status_code == 400
    assert "problem with your request" in response.content.decode()
    assert cookies.CONSENT_COOKIE_NAME not in response.cookies


def test_the_banner_form_does_not_exist_without_analytics(client: Client) -> None:
    response = choose(client, "yes")

    assert response.status_code == 404
    assert cookies.CONSENT_COOKIE_NAME not in response.cookies


def test_a_choice_made_under_an_older_cookie_policy_asks_again(
    client: Client, analytics: str
) -> None:
    client.cookies[cookies.CONSENT_COOKIE_NAME] = "0123456789ab.yes"

    content = client.get("/").content.decode()

    assert "Accept analytics cookies" in content
    assert ANALYTICS_HOST not in content


@pytest.mark.parametrize("value", ["", "yes", "x.yes.new.more", "{v}.perhaps", "{v}.yes.old"])
def test_a_consent_cookie_that_does_not_parse_is_no_choice(analytics: str, value: str) -> None:
    assert consent.parse_cookie_value(value.format(v=cookies.policy_version())) == (None, False)


def test_global_privacy_control_is_a_rejection_even_after_accepting(
    client: Client, analytics: str
) -> None:
    client.cookies[cookies.CONSENT_COOKIE_NAME] = consent.cookie_value(
        consent.Choice.ACCEPTED, just_chosen=False
    )
    client.cookies["_ga"] = "GA1.1.1"

    response = client.get("/", headers={"Sec-GPC": "1"})

    content = response.content.decode()
    assert BANNER not in content
    assert ANALYTICS_HOST not in content
    assert ANALYTICS_HOST not in response["Content-Security-Policy"]
    assert response.cookies["_ga"]["max-age"] == 0
    page = client.get("/cookies/", headers={"Sec-GPC": "1"}).content.decode()
    assert "Global Privacy Control" in page


def test_cookies_page_question_defaults_to_no(client: Client, analytics: str) -> None:
    content = client.get("/cookies/").content.decode()

    assert checked(content) == "no"


def test_cookies_page_saves_the_choice_and_confirms(client: Client, analytics: str) -> None:
    response = client.post("/cookies/", {"analytics": "yes"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "You\N{RIGHT SINGLE QUOTATION MARK}ve set your cookie preferences" in content
    assert consent_cookie(response) == f"{cookies.policy_version()}.yes"
    assert checked(client.get("/cookies/").content.decode()) == "yes"


def test_cookies_page_without_an_answer_shows_an_error_and_saves_nothing(
    client: Client, analytics: str
) -> None:
    response = client.post("/cookies/", {})

    content = response.content.decode()
    assert "There is a problem" in content
    assert "Choose whether you want to accept analytics cookies" in content
    assert cookies.CONSENT_COOKIE_NAME not in response.cookies


def test_cookies_page_has_nothing_to_save_without_analytics(client: Client) -> None:
    assert client.post("/cookies/", {"analytics": "yes"}).status_code == 405


def test_the_staff_area_is_never_measured_and_keeps_the_visitors_analytics_cookies(
    client: Client, analytics: str, colleague
) -> None:
    sign_in(client, colleague)
    client.cookies[cookies.CONSENT_COOKIE_NAME] = consent.cookie_value(
        consent.Choice.ACCEPTED, just_chosen=False
    )
    client.cookies["_ga"] = "GA1.1.1"

    response = client.get("/staff/")

    content = response.content.decode()
    assert response.status_code == 200
    assert BANNER not in content
    assert ANALYTICS_HOST not in content
    assert ANALYTICS_HOST not in response["Content-Security-Policy"]
    assert "_ga" not in response.cookies


@pytest.mark.parametrize(
    "secret_page",
    [
        "/newsletter/manage/a-signed-token/",
        "/courses/my-training/a-signed-token/",
        "/your-data/confirm/a-signed-token/",
        "/certificates/verify/a-verification-code/",
    ],
)
def test_pages_addressed_by_a_secret_are_never_measured_and_send_only_their_origin(
    client: Client, analytics: str, secret_page: str
) -> None:
    client.cookies[cookies.CONSENT_COOKIE_NAME] = consent.cookie_value(
        consent.Choice.ACCEPTED, just_chosen=False
    )
    ordinary = client.get("/about/")
    assert ANALYTICS_HOST in ordinary.content.decode()

    response = client.get(secret_page)

    assert ANALYTICS_HOST not in response.content.decode()
    assert ANALYTICS_HOST not in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "strict-origin"
    assert ordinary["Referrer-Policy"] == settings.SECURE_REFERRER_POLICY
