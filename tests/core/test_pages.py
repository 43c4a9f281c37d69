"""The public pages and the base templates, as a browser with JavaScript off receives them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from safeguarding.core import views
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["home", "about", "privacy", "cookies", "accessibility", "contact"]
# The contact page has a form (tests/public covers it); the others only answer GET.
READ_ONLY_PAGES = [name for name in PUBLIC_PAGES if name != "contact"]
FOOTER_LINKS = ["/privacy/", "/cookies/", "/accessibility/", "/contact/"]


@dataclass
class Page(HTMLParser):
    """The parts of a page these tests look at."""

    title: str = ""
    h1_count: int = 0
    scripts: list[dict[str, str | None]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    footer_links: list[str] = field(default_factory=list)
    style_attributes: int = 0
    _in_title: bool = False
    _in_footer: bool = False

    def __post_init__(self) -> None:
        super().__init__()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if "style" in attributes:
            self.style_attributes += 1
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "script":
            self.scripts.append(attributes)
        elif tag == "footer":
            self._in_footer = True
        elif tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))
            if self._in_footer:
                self.footer_links.append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "footer":
            self._in_footer = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def parse(content: bytes) -> Page:
    page = Page()
    page.feed(content.decode())
    return page


def csp_nonce(response) -> str:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match, "script-src has no nonce"
    return match.group(1)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_renders_for_anyone(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 200
    page = parse(response.content)
    assert page.h1_count == 1
    assert page.title.strip().endswith(f" \N{EN DASH} {settings.PARTNERSHIP['short_name']}")
    assert page.title.strip() != f"\N{EN DASH} {settings.PARTNERSHIP['short_name']}"
    assert page.footer_links == FOOTER_LINKS


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_keeps_to_the_content_security_policy(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    nonce = csp_nonce(response)
    page = parse(response.content)
    assert page.style_attributes == 0
    assert page.scripts, "the page loads no script at all"
    for script in page.scripts:
        if script.get("src"):
            assert str(script["src"]).startswith(settings.STATIC_URL)
        else:
            assert script.get("nonce") == nonce


@pytest.mark.parametrize("name", READ_ONLY_PAGES)
def test_public_page_sets_no_cookies(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    assert dict(response.cookies) == {}


@pytest.mark.parametrize("name", READ_ONLY_PAGES)
def test_public_page_only_answers_get_and_head(client: Client, name: str) -> None:
    assert client.head(reverse(name)).status_code == 200
    assert client.post(reverse(name)).status_code == 405


def test_header_names_the_partnership_and_links_home_without_a_crown(client: Client) -> None:
    response = client.get(reverse("about"))

    content = response.content.decode()
    name = settings.PARTNERSHIP["name"]
    assert f'class="govuk-generic-header__homepage-link app-header__name">{name}<' in content
    assert "govuk-header__logotype" not in content
    assert "crown" not in content.lower()
    assert 'id="main-content"' in content
    assert 'href="#main-content"' in content


def test_home_page_links_to_staff_sign_in_and_only_to_pages_that_exist(client: Client) -> None:
    page = parse(client.get(reverse("home")).content)

    assert "/staff/" in page.links
    for href in page.links:
        if href.startswith("/"):
            assert client.get(href).status_code in {200, 302}, href


def test_privacy_page_shows_the_controller_and_the_contact_address(client: Client) -> None:
    content = client.get(reverse("privacy")).content.decode()

    assert str(settings.PARTNERSHIP["controller"]) in content
    assert f'href="mailto:{settings.PARTNERSHIP["contact_email"]}"' in content


def test_demo_notice_shows_only_in_demo_mode(client: Client, settings) -> None:
    settings.DEMO_MODE = True
    assert b"govuk-phase-banner" in client.get(reverse("home")).content

    settings.DEMO_MODE = False
    assert b"govuk-phase-banner" not in client.get(reverse("home")).content


def test_unknown_address_gets_the_404_page(client: Client) -> None:
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "errors/error.html" in [template.name for template in response.templates]
    page = parse(response.content)
    assert page.h1_count == 1
    assert page.title.strip() == f"Page not found \N{EN DASH} {settings.PARTNERSHIP['short_name']}"
    assert page.footer_links == FOOTER_LINKS


@pytest.mark.parametrize(
    ("handler", "status"),
    [
        (views.bad_request, 400),
        (views.permission_denied, 403),
        (views.page_not_found, 404),
        (views.server_error, 500),
    ],
)
def test_error_handlers_render_the_error_page(handler, status: int) -> None:
    request = RequestFactory().get("/")

    response = handler(request) if status == 500 else handler(request, None)

    assert response.status_code == status
    assert parse(response.content).h1_count == 1


def test_staff_pages_show_the_staff_navigation_with_a_sign_out_form(
    client: Client, colleague
) -> None:
    sign_in(client, colleague)

    content = client.get(reverse("accounts:dashboard")).content.decode()

    assert 'aria-label="Staff area"' in content
    assert f'href="{reverse("accounts:dashboard")}" aria-current="page"' in content
    form = re.search(
        r'<form class="app-service-navigation__form" method="post" action="([^"]+)">(.*?)</form>',
        content,
        re.S,
    )
    assert form, "no sign-out form"
    assert form.group(1) == reverse("accounts:logout")
    assert 'name="csrfmiddlewaretoken"' in form.group(2)


def test_signing_out_shows_a_success_banner(client: Client, colleague) -> None:
    sign_in(client, colleague)

    response = client.post(reverse("accounts:logout"), follow=True)

    content = response.content.decode()
    assert (
        'class="govuk-notification-banner govuk-notification-banner--success" role="alert"'
        in content
    )
    assert "You have signed out." in content
    assert 'aria-label="Staff area"' not in content


@pytest.mark.parametrize(
    "path", ["dist/css/main.css", "dist/js/app.js", "dist/js/govuk-frontend.min.js"]
)
def test_compiled_assets_are_served(client: Client, path: str) -> None:
    response = client.get(f"{settings.STATIC_URL}{path}")
    response.close()

    assert response.status_code == 200, f"{path} is missing: run `make assets` (npm run build)"


def test_stylesheet_uses_system_fonts_and_nothing_from_gov_uk(client: Client) -> None:
    response = client.get(f"{settings.STATIC_URL}dist/css/main.css")
    css = response.getvalue().decode()
    response.close()

    assert ".govuk-button" in css
    assert "GDS Transport" not in css
    assert "@font-face" not in css
    assert "govuk-crest" not in css
    assert "system-ui" in css


def test_a_database_outage_gets_a_503_page_saying_nothing_was_saved() -> None:
    from django.db import OperationalError

    request = RequestFactory().post("/courses/sessions/1/book/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = views.server_error(request)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert "Nothing you entered has been saved" in body
    assert "OperationalError" not in body
