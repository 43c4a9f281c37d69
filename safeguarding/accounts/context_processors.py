"""What every staff page's navigation needs: the tools of the signed-in person's roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from safeguarding.accounts.models import User
from safeguarding.accounts.navigation import tools_for
from safeguarding.core.middleware import may_be_signed_in


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    current: bool  # the page is this tool's, or one of the pages below it


def _items(user: User, path: str) -> list[NavigationItem]:
    tools = tools_for(user)
    # The tool whose address the page's starts with, the longest if several do
    # (/staff/newsletter/subscribers/ is under both Newsletters and Subscribers).
    matching = [tool.url for tool in tools if path.startswith(tool.url)]
    current = max(matching, key=len, default=None)
    return [NavigationItem(tool.label, tool.url, tool.url == current) for tool in tools]


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    """``staff_navigation``, worked out only if a page shows it (public pages never do). A
    visitor without a session cookie is nobody: their session and user are never loaded."""
    if not may_be_signed_in(request):
        return {"staff_navigation": []}
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"staff_navigation": []}
    return {"staff_navigation": SimpleLazyObject(lambda: _items(user, request.path))}
