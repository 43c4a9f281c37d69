from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def partnership(request: HttpRequest) -> dict[str, Any]:
    return {"partnership": settings.PARTNERSHIP, "demo_mode": settings.DEMO_MODE}
