"""Every staff URL, tried by every persona. A staff URL missing from ACCESS fails the suite.

Personas: anonymous; signed in with a password but no MFA yet; each role, fully verified.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from safeguarding.accounts.roles import ALL_ROLES, Role
from tests.conftest import sign_in
from tests.factories import UserFactory

LOGIN = "/staff/sign-in/"
MFA_SETUP = "/staff/two-factor/set-up/"

ANONYMOUS = "anonymous"
NO_MFA = "password only"


@dataclass(frozen=True)
class Access:
    method: str = "get"
    needs_target: bool = False
    anonymous: int | str = LOGIN  # a status code, or where it redirects
    no_mfa: int | str = MFA_SETUP
    roles: dict[Role, int] = field(default_factory=lambda: dict.fromkeys(ALL_ROLES, 200))


def only(*allowed: Role, other: int = 403) -> dict[Role, int]:
    return {role: 200 if role in allowed else other for role in ALL_ROLES}


PUBLIC = Access(anonymous=200, no_mfa=200, roles=dict.fromkeys(ALL_ROLES, 200))

ACCESS: dict[str, Access] = {
    "accounts:dashboard": Access(),
    "accounts:login": PUBLIC,
    "accounts:logout": Access(
        method="post", anonymous=LOGIN, no_mfa=LOGIN, roles=dict.fromkeys(ALL_ROLES, 302)
    ),
    "accounts:mfa_setup": Access(anonymous=LOGIN, no_mfa=200, roles=dict.fromkeys(ALL_ROLES, 302)),
    "accounts:mfa_verify": Access(
        anonymous=LOGIN, no_mfa=MFA_SETUP, roles=dict.fromkeys(ALL_ROLES, 302)
    ),
    "accounts:recovery_codes": Access(method="post"),
    "accounts:people": Access(roles=only(Role.PARTNERSHIP_ADMINISTRATOR)),
    "accounts:person_disable": Access(
        needs_target=True, roles=only(Role.PARTNERSHIP_ADMINISTRATOR)
    ),
    "accounts:person_reset_mfa": Access(
        needs_target=True, roles=only(Role.PARTNERSHIP_ADMINISTRATOR)
    ),
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": Access(
        anonymous=200, no_mfa=200, roles=dict.fromkeys(ALL_ROLES, 200)
    ),
    "accounts:password_reset_complete": PUBLIC,
}


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
    if name == "accounts:password_reset_confirm":
        return reverse(name, kwargs={"uidb64": "MQ", "token": "set-password"})
    return reverse(name, args=[target_pk]) if ACCESS[name].needs_target else reverse(name)


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

    response = getattr(client, access.method)(url_for(name, target.pk))

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
