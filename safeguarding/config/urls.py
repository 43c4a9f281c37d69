"""Every installed app of the project that has a ``urls`` module is served from the root; each
app's urls.py holds its own full paths, so adding an app touches no other app's files.

Resolving an address through every app in turn cost up to 0.4 ms for a page of an app late in
the list (each app's staff URLs tried and listed first), more than the rest of a cached public
page. So the apps are tried only where they can match: ``AppsByFirstSegment`` knows which
apps have URLs starting with each literal first segment ("courses", "staff", "contact" ...)
and resolves an address through those apps alone, in the same order and with the same result
as trying them all. Reversing URLs is untouched.
"""

from __future__ import annotations

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path
from django.urls.resolvers import ResolverMatch, RoutePattern
from django.utils.module_loading import module_has_submodule


def _first_segments(patterns: list[URLPattern | URLResolver]) -> set[str] | None:
    """The literal first segments of every address these patterns can match, or None when one
    may start with anything (a converter, a regular expression)."""
    found: set[str] = set()
    for pattern in patterns:
        if not isinstance(pattern.pattern, RoutePattern):
            return None
        route = str(pattern.pattern)
        head, slash, _rest = route.partition("/")
        if "<" in head:
            return None
        if isinstance(pattern, URLResolver):
            if route == "":
                inner = _first_segments(pattern.url_patterns)
                if inner is None:
                    return None
                found |= inner
                continue
            if not slash:
                return None  # "prefix" + inner routes: the first segment is not known here
        found.add(head)
    return found


class AppsByFirstSegment(URLResolver):
    """The apps' includes, resolved through only those that have an address starting with
    the address's first segment (in their order), or that may start with anything."""

    def __init__(self, includes: list[URLPattern | URLResolver]) -> None:
        super().__init__(RoutePattern(""), includes)
        claimed = [(include, _first_segments([include])) for include in includes]
        segments = set().union(*(found for _include, found in claimed if found is not None))

        def resolver_for(segment: str | None) -> URLResolver:
            chosen = [
                include
                for include, found in claimed
                if found is None or (segment is not None and segment in found)
            ]
            return URLResolver(RoutePattern(""), chosen)

        self._by_segment = {segment: resolver_for(segment) for segment in segments}
        self._elsewhere = resolver_for(None)

    def resolve(self, path: str) -> ResolverMatch:
        segment = str(path).partition("/")[0]
        return self._by_segment.get(segment, self._elsewhere).resolve(path)


def _project_urls() -> list[URLPattern | URLResolver]:
    return [
        path("", include(f"{config.name}.urls"))
        for config in apps.get_app_configs()
        if config.name.startswith("safeguarding.") and module_has_submodule(config.module, "urls")
    ]


urlpatterns: list[URLPattern | URLResolver] = [AppsByFirstSegment(_project_urls())]

handler400 = "safeguarding.core.views.bad_request"
handler403 = "safeguarding.core.views.permission_denied"
handler404 = "safeguarding.core.views.page_not_found"
handler500 = "safeguarding.core.views.server_error"
