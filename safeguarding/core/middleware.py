from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safeguarding.core import request_context

# URL arguments that are secrets: a signed link's token, a certificate's verification code.
SECRET_URL_ARGUMENTS = frozenset({"token", "code"})


def opened_by_a_secret(request: HttpRequest) -> bool:
    """Whether the URL resolved for ``request`` carries a secret (after URL resolution)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and not SECRET_URL_ARGUMENTS.isdisjoint(match.kwargs)


class RequestContextMiddleware:
    """Binds the request's address for services, and stops caching of staff pages, pages
    opened by a secret in their address (emailed links, certificate codes) and downloads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context.bound(request_context.from_request(request)):
            response = self.get_response(request)
        if (
            request.path.startswith("/staff/")
            or (getattr(request, "user", None) and request.user.is_authenticated)
            or opened_by_a_secret(request)
            or response.get("Content-Disposition", "").startswith("attachment")
        ):
            response["Cache-Control"] = "no-store"
        return response
