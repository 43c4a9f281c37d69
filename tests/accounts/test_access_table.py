"""Every staff URL, tried by every persona. A staff URL missing from ACCESS fails the suite.

Personas: anonymous; signed in with a password but no MFA yet; each role, fully verified.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.audit.models import AuditEntry
from tests.access import ANONYMOUS, NO_MFA, PUBLIC, collect
from tests.conftest import sign_in
from tests.factories import UserFactory

ACCESS = collect()


def staff_url_names() -> Iterator[str]:
    def walk(patterns: list, prefix: str, namespace: str) -> Iterator[tuple[str, str]]:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                ns = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace and pattern.namespace
                    else (pattern.namespace or namespace)
                )
                yield from walk(pattern.url_patterns, route, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield route, f"{namespace}:{pattern.name}" if namespace else pattern.name

    for route, name in walk(get_resolver().url_patterns, "", ""):
        if route.startswith("staff/"):
            yield name


def url_for(name: str, target_pk: int) -> str:
    access = ACCESS[name]
    if access.make_kwargs is not None:
        return reverse(name, kwargs=access.make_kwargs())
    if name == "accounts:password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    return reverse(name, args=[target_pk]) if access.needs_target else reverse(name)


def test_every_staff_url_has_an_entry_in_the_access_table() -> None:
    assert set(staff_url_names()) == set(ACCESS)


PERSONAS = [ANONYMOUS, NO_MFA, *ALL_ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ACCESS))
@pytest.mark.parametrize("persona", PERSONAS, ids=str)
def test_access(name: str, persona: str) -> None:
    access = ACCESS[name]
    target = UserFactory()
    client = Client()
    if persona == NO_MFA:
        sign_in(client, UserFactory(), verified=False)
        expected = access.no_mfa
    elif persona != ANONYMOUS:
        sign_in(client, UserFactory(roles=[str(persona)]))
        expected = access.roles[Role(persona)]
    else:
        expected = access.anonymous

    url = url_for(name, target.pk)
    response = (
        getattr(client, access.method)(url, access.data)
        if access.data
        else getattr(client, access.method)(url)
    )

    if isinstance(expected, str):
        assert response.status_code == 302
        assert response["Location"].split("?")[0] == expected
    else:
        assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(n for n, a in ACCESS.items() if a is not PUBLIC))
def test_staff_pages_are_never_cached(name: str) -> None:
    client = Client()
    sign_in(client, UserFactory(roles=[str(Role.PARTNERSHIP_ADMINISTRATOR)]))
    response = getattr(client, ACCESS[name].method)(url_for(name, UserFactory().pk))

    assert response["Cache-Control"] == "no-store"


def _expected(name: str, persona: str) -> int | str:
    access = ACCESS[name]
    if persona == NO_MFA:
        return access.no_mfa
    if persona == ANONYMOUS:
        return access.anonymous
    return access.roles[Role(persona)]


REFUSED_PAGES = [
    (name, persona)
    for name in sorted(n for n, a in ACCESS.items() if a.method == "get")
    for persona in PERSONAS
    if _expected(name, persona) != 200
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "persona"), REFUSED_PAGES, ids=[f"{p}-{n}" for n, p in REFUSED_PAGES]
)
def test_a_post_is_refused_wherever_the_page_is(name: str, persona: str) -> None:
    """Whoever may not see a page may not post to it either: the same refusal (or 405 where
    the page takes no POST), and nothing is written."""
    target = UserFactory()
    client = Client()
    if persona == NO_MFA:
        sign_in(client, UserFactory(), verified=False)
    elif persona != ANONYMOUS:
        sign_in(client, UserFactory(roles=[str(persona)]))
    expected = _expected(name, persona)
    url = url_for(name, target.pk)
    before = AuditEntry.objects.count()

    response = client.post(url, {"reason": "x", "email": "someone@example.org", "confirm": "1"})

    if response.status_code != 405:
        if isinstance(expected, str):
            assert response.status_code == 302
            assert response["Location"].split("?")[0] == expected
        else:
            assert response.status_code == expected
    assert AuditEntry.objects.count() == before
