"""The layout around every page is kept once per variant (``{% cached_layout %}`` in
base.html, core/templatetags/layout.py) and each request fills in its own parts. These tests
prove a page with the kept layout is the page rendered without it, byte for byte but for the
nonce and CSRF token; that two members of staff with different roles never see each other's
navigation, name, nonce or token; and that nothing kept names a person."""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Iterator

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.core import fragment_cache
from safeguarding.core.templatetags.layout import CachedLayoutNode
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

HEADER_NONCE = re.compile(r"'nonce-([^']+)'")
FORM_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def nonce_of(response: HttpResponse) -> str:
    match = HEADER_NONCE.search(response["Content-Security-Policy"])
    assert match is not None
    return match.group(1)


def tokens_of(response: HttpResponse) -> set[str]:
    return set(FORM_TOKEN.findall(response.content.decode()))


def without_per_request_parts(response: HttpResponse) -> str:
    html = response.content.decode().replace(nonce_of(response), "NONCE")
    return FORM_TOKEN.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


def navigation_of(response: HttpResponse) -> str:
    page = response.content.decode()
    return page.split('<ul class="govuk-service-navigation__list"', 1)[1].split("</ul>", 1)[0]


@pytest.fixture
def fragments() -> Iterator[None]:
    caches[fragment_cache.CACHE_ALIAS].clear()
    yield
    caches[fragment_cache.CACHE_ALIAS].clear()


@pytest.fixture
def without_layout_cache(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Render the layout as a template with no {% cached_layout %} would, for comparison."""

    def plain() -> None:
        monkeypatch.setattr(
            CachedLayoutNode, "render", lambda self, context: self.nodelist.render(context)
        )

    return plain


def staff_pages(person: User) -> list[str]:
    return [
        reverse("accounts:dashboard"),  # the dashboard marked as the page
        reverse("accounts:people"),  # a tool's own page (aria-current="page")
        reverse("accounts:person", args=[person.pk]),  # a page below it ("true")
        reverse("accounts:invitations"),
        reverse("accounts:person_invite"),  # a form
    ]


def test_a_page_in_the_kept_layout_is_the_page_rendered_without_it(
    client: Client,
    administrator: User,
    fragments: None,
    without_layout_cache: Callable[[], None],
) -> None:
    sign_in(client, administrator)
    pages = [*staff_pages(administrator), "/", "/contact/", "/no-such-page/"]

    first = [client.get(page) for page in pages]  # each variant built and kept
    kept = [client.get(page) for page in pages]  # each from the kept layout
    without_layout_cache()
    plain = [client.get(page) for page in pages]

    for page, built, served, rendered in zip(pages, first, kept, plain, strict=True):
        assert rendered.status_code == served.status_code, page
        expected = without_per_request_parts(rendered)
        assert without_per_request_parts(built) == expected, page
        assert without_per_request_parts(served) == expected, page
        assert served.content != rendered.content, page  # its own nonce each time


def test_each_request_gets_its_own_nonce_and_a_working_token_in_the_kept_layout(
    administrator: User, fragments: None
) -> None:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, administrator)
    first = client.get(reverse("accounts:people"))

    response = client.get(reverse("accounts:people"))

    assert f'<script nonce="{nonce_of(response)}">' in response.content.decode()
    assert nonce_of(response) != nonce_of(first)
    (token,) = tokens_of(response)  # the sign-out form's
    assert token not in tokens_of(first)
    signed_out = client.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token})
    assert signed_out.status_code == 302


def test_two_members_of_staff_never_see_each_others_navigation_name_nonce_or_token(
    make_user: Callable[..., User], fragments: None
) -> None:
    admin = make_user(Role.PARTNERSHIP_ADMINISTRATOR, full_name="Ada Administrator")
    officer = make_user(Role.COMMUNICATIONS_OFFICER, full_name="Otto Officer")
    clients = {admin: Client(), officer: Client()}
    for person, client in clients.items():
        sign_in(client, person)
    dashboard = reverse("accounts:dashboard")

    # In turn, twice, so each is served from a layout the other's request may have kept.
    responses: dict[User, list[HttpResponse]] = {person: [] for person in clients}
    for _round in range(2):
        for person, client in clients.items():
            responses[person].append(client.get(dashboard))

    admin_pages, officer_pages = responses[admin], responses[officer]
    for page in admin_pages:
        assert f'href="{reverse("accounts:people")}"' in navigation_of(page)
        assert f'href="{reverse("newsletter:campaigns")}"' not in navigation_of(page)
        assert "Ada Administrator" in page.content.decode()
        assert "Otto Officer" not in page.content.decode()
    for page in officer_pages:
        assert f'href="{reverse("newsletter:campaigns")}"' in navigation_of(page)
        assert f'href="{reverse("accounts:people")}"' not in navigation_of(page)
        assert "Otto Officer" in page.content.decode()
        assert "Ada Administrator" not in page.content.decode()
    for mine, theirs in ((admin_pages, officer_pages), (officer_pages, admin_pages)):
        for page in mine:
            content = page.content.decode()
            for other in theirs:
                assert nonce_of(other) not in content
                assert not tokens_of(other) & tokens_of(page)


def test_a_message_shows_only_to_the_person_it_is_for(
    make_user: Callable[..., User], fragments: None
) -> None:
    first, second = Client(), Client()
    sign_in(first, make_user(Role.PARTNERSHIP_ADMINISTRATOR))
    sign_in(second, make_user(Role.PARTNERSHIP_ADMINISTRATOR))
    people = reverse("accounts:people")
    second.get(people)  # this variant's layout is kept
    stored = HttpResponse()
    CookieStorage(HttpRequest())._store([Message(constants.SUCCESS, "For the first only")], stored)
    first.cookies[CookieStorage.cookie_name] = stored.cookies[CookieStorage.cookie_name].value

    assert "For the first only" in first.get(people).content.decode()
    assert "For the first only" not in second.get(people).content.decode()
    assert "For the first only" not in first.get(people).content.decode()  # shown once


def test_nothing_kept_names_a_person_or_holds_a_token(
    make_user: Callable[..., User], fragments: None
) -> None:
    person = make_user(
        Role.PARTNERSHIP_ADMINISTRATOR, full_name="Kept Nowhere", email="kept@example.org"
    )
    client = Client()
    sign_in(client, person)
    responses = [client.get(page) for page in staff_pages(person)]

    store = caches[fragment_cache.CACHE_ALIAS]
    kept = [pickle.loads(value) for value in store._cache.values()]  # type: ignore[attr-defined]  # noqa: S301  # LocMemCache's own entries, written by this test
    kept += list(fragment_cache._layouts.items())  # the layouts this process keeps
    assert kept, "nothing was kept"
    text = repr(kept)
    assert "Kept Nowhere" not in text
    assert "kept@example.org" not in text
    for response in responses:
        assert nonce_of(response) not in text
        assert not any(token in text for token in tokens_of(response))


# Every staff page a role opens, with the first role that opens it (tests/access.py).
def _first_role_that_opens(name: str) -> Role | None:
    from tests.access import collect

    access = collect()[name]
    return next((role for role, status in access.roles.items() if status == 200), None)


def _staff_pages() -> list[tuple[str, Role]]:
    from tests.access import collect

    pages = []
    for name, access in sorted(collect().items()):
        role = _first_role_that_opens(name)
        if access.method == "get" and role is not None and access.anonymous != 200:
            pages.append((name, role))
    return pages


def _layout_of(response: HttpResponse) -> str:
    """The page without its main content (a page may show something new on each visit: a
    random security question, the time): what the kept layout gave it."""
    html = without_per_request_parts(response)
    before, rest = html.split('<main class="govuk-main-wrapper" id="main-content">', 1)
    return before + rest.split("</main>", 1)[1]


@pytest.mark.parametrize(("name", "role"), _staff_pages(), ids=lambda value: str(value))
def test_every_staff_page_has_the_layout_it_would_have_without_keeping_it(
    name: str,
    role: Role,
    make_user: Callable[..., User],
    fragments: None,
    without_layout_cache: Callable[[], None],
) -> None:
    """The property behind the kept layout, over every staff page: the layout a page gets
    when it is kept (here by another person with the same role) is the layout it gets
    rendered afresh, for the role that opens it."""
    from tests.accounts.test_access_table import url_for
    from tests.factories import UserFactory

    url = url_for(name, UserFactory().pk)
    first, client = Client(), Client()
    sign_in(first, make_user(role, full_name="Someone Else"))
    first.get(url)  # the variant built and kept
    sign_in(client, make_user(role, full_name="This Person"))
    served = client.get(url)
    without_layout_cache()
    rendered = client.get(url)

    assert served.status_code == rendered.status_code == 200
    if not rendered["Content-Type"].startswith("text/html"):  # a download: no layout
        assert served["Content-Type"] == rendered["Content-Type"]
        return
    assert _layout_of(served) == _layout_of(rendered)
    assert served.content != rendered.content  # each its own nonce


def test_layouts_are_kept_in_the_process_bounded_and_forgotten_with_the_settings(
    administrator: User, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    client = Client()
    sign_in(client, administrator)
    client.get(reverse("accounts:people"))
    assert fragment_cache._layouts, "the layout is kept in this process"
    assert not caches[fragment_cache.CACHE_ALIAS]._cache  # type: ignore[attr-defined]  # LocMemCache's

    monkeypatch.setattr(fragment_cache, "MAX_LAYOUTS", 2)
    for page in staff_pages(administrator):  # five variants of the layout
        client.get(page)
    assert 1 <= len(fragment_cache._layouts) <= 2

    settings.STATIC_URL = "/elsewhere/"  # type: ignore[attr-defined]  # a new release's files
    assert not fragment_cache._layouts
    assert "/elsewhere/" in client.get(reverse("accounts:people")).text
