from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from safeguarding.public import consent, cookies


def cookie_consent(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs for the cookie banner and the analytics tags."""
    decided = getattr(request, "cookie_consent", None) or consent.NO_CHOICE
    return {
        "cookie_consent": decided,
        "analytics_id": cookies.analytics_id() if decided.analytics_allowed else "",
    }
