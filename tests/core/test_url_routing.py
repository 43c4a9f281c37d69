"""The root resolver tries only the apps that can match an address's first segment
(config/urls.py); every address resolves exactly as trying every app in turn would."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern

from safeguarding.config import urls

SAMPLES = {"int": "7", "str": "a-token", "slug": "a-slug", "path": "a/b.pdf", "uuid": ""}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def _address(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)


def _every_app_in_turn() -> URLResolver:
    return URLResolver(RegexPattern(r"^/"), urls._project_urls())


def _resolved(resolver: URLResolver, address: str) -> tuple[object, ...] | None:
    try:
        match = resolver.resolve(address)
    except Resolver404:
        return None
    return (match.func, match.args, match.kwargs, match.url_name, match.namespaces, match.route)


ADDRESSES = sorted({_address(route) for route in _routes(urls._project_urls())})


def test_every_address_of_the_project_is_routed() -> None:
    assert len(ADDRESSES) > 100
    assert "/contact/" in ADDRESSES
    assert any(address.startswith("/staff/") for address in ADDRESSES)


@pytest.mark.parametrize(
    "address",
    [
        *ADDRESSES,
        *(address.rstrip("/") for address in ADDRESSES),
        "/",
        "",
        "/no-such-page/",
        "/staff/no-such-page/",
        "/courses/not-a-number/",
        "/healthz/",
        "//contact/",
    ],
)
def test_an_address_resolves_as_trying_every_app_in_turn(address: str) -> None:
    assert _resolved(get_resolver(), address) == _resolved(_every_app_in_turn(), address)
