from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safeguarding.core.fragment_cache import CSRF_PLACEHOLDER_ATTRIBUTE


def partnership(request: HttpRequest) -> dict[str, Any]:
    return {"partnership": settings.PARTNERSHIP, "demo_mode": settings.DEMO_MODE}


def csrf_placeholder(request: HttpRequest) -> dict[str, Any]:
    """While a public page is rendered to be kept for everyone (core.fragment_cache), its
    forms get a placeholder where each request's own CSRF token goes."""
    placeholder = getattr(request, CSRF_PLACEHOLDER_ATTRIBUTE, None)
    return {"csrf_token": placeholder} if placeholder else {}
