from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from safeguarding.core import request_context

# URL arguments that are secrets: a signed link's token, a certificate's verification code.
SECRET_URL_ARGUMENTS = frozenset({"token", "code"})


def opened_by_a_secret(request: HttpRequest) -> bool:
    """Whether the URL resolved for ``request`` carries a secret (after URL resolution, which
    Django does once per request: middleware reads its result rather than resolving again)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and not SECRET_URL_ARGUMENTS.isdisjoint(match.kwargs)


def may_be_signed_in(request: HttpRequest, response: HttpResponseBase | None = None) -> bool:
    """False when nobody can be signed in on this request: sign-in lives in the session, and
    the browser sent no session cookie (nor did this response set one, as signing in does).
    Anonymous public requests then never load a session or look up a user."""
    name = settings.SESSION_COOKIE_NAME
    return name in request.COOKIES or (response is not None and name in response.cookies)


class RequestContextMiddleware:
    """Binds the request's address for services, and stops caching of staff pages, pages
    opened by a secret in their address (emailed links, certificate codes) and downloads.
    Every answer varies with the visitor's cookies (the cookie banner, a session), which
    shared caches must know even when no session was opened to answer it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context.bound(request_context.from_request(request)):
            response = self.get_response(request)
        if (
            request.path.startswith("/staff/")
            or (may_be_signed_in(request, response) and request.user.is_authenticated)
            or opened_by_a_secret(request)
            or response.get("Content-Disposition", "").startswith("attachment")
        ):
            response["Cache-Control"] = "no-store"
        patch_vary_headers(response, ("Cookie",))
        return response


# django-csp's response attributes for a report-only policy, which this project never sets.
_REPORT_ONLY_ATTRIBUTES = ("_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_NONCE_PLACEHOLDER = "nonce-placeholder"


@cache
def _site_policy(*, with_nonce: bool) -> str:
    """The site-wide policy, built once per process (a nonce is put in per response)."""
    return build_policy(nonce=_NONCE_PLACEHOLDER if with_nonce else None)


@lru_cache(maxsize=32)
def _updated_policy(additions: tuple[tuple[str, tuple[str, ...]], ...], *, with_nonce: bool) -> str:
    """The site policy with a response's additions (``_csp_update``), built once per process."""
    update = {name: list(sources) for name, sources in additions}
    return build_policy(update=update, nonce=_NONCE_PLACEHOLDER if with_nonce else None)


def _site_policy_excludes_some_addresses() -> bool:
    policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    return bool(policy.get("EXCLUDE_URL_PREFIXES"))


@receiver(setting_changed)
def _forget_site_policy(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _site_policy.cache_clear()
        _updated_policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, cheaper: the site policy is built once per process rather than
    for every response, and no report-only policy is built when none is configured (django-csp
    builds an empty one for every response). Anything unusual (a report-only policy, a
    policy excluded for some addresses, a header set by the view, DEBUG error pages) goes
    through django-csp's own code."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or _site_policy_excludes_some_addresses()
            or HEADER in response
            or any(hasattr(response, name) for name in _REPORT_ONLY_ATTRIBUTES)
        ):
            return super().process_response(request, response)
        nonce: str | None = getattr(request, "_csp_nonce", None)
        if not getattr(response, "_csp_exempt", False):
            response[HEADER] = self._policy(response, nonce)
        if nonce is None:
            # As django-csp does: a nonce asked for after the header is written is an error.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # type: ignore[attr-defined]  # django-csp's attribute
        return response

    @staticmethod
    def _policy(response: HttpResponseBase, nonce: str | None) -> str:
        config = getattr(response, "_csp_config", None)
        update = getattr(response, "_csp_update", None)
        replace = getattr(response, "_csp_replace", None)
        if config is not None or replace is not None:
            return build_policy(config=config, update=update, replace=replace, nonce=nonce)
        if update is None:
            policy = _site_policy(with_nonce=nonce is not None)
        else:  # the same few additions every time (the analytics hosts, for who accepted)
            additions = tuple((name, tuple(sources)) for name, sources in update.items())
            policy = _updated_policy(additions, with_nonce=nonce is not None)
        return policy.replace(_NONCE_PLACEHOLDER, nonce) if nonce else policy
