from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from safeguarding.core import request_context


class RequestContextMiddleware:
    """Binds the request's address for services, and stops caching of staff pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context.bound(request_context.from_request(request)):
            response = self.get_response(request)
        if request.path.startswith("/staff/") or (
            getattr(request, "user", None) and request.user.is_authenticated
        ):
            response["Cache-Control"] = "no-store"
        return response
