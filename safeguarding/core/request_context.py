"""Who is acting and from where, for the duration of one request or task.

Services read this to fill in the audit trail without every call site passing the request.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "safeguarding_request_context", default=None
)


def client_ip(request: HttpRequest) -> str | None:
    """The client address as the web server saw it.

    Behind a TLS proxy the proxy must overwrite REMOTE_ADDR (gunicorn's
    --forwarded-allow-ips does); we never trust a client-supplied X-Forwarded-For.
    """
    return request.META.get("REMOTE_ADDR") or None


def current() -> RequestContext | None:
    return _current.get()


@contextmanager
def bound(context: RequestContext) -> Iterator[None]:
    token = _current.set(context)
    try:
        yield
    finally:
        _current.reset(token)


def from_request(request: HttpRequest) -> RequestContext:
    return RequestContext(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
