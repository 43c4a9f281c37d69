"""What every staff page's navigation needs: the tools of the signed-in person's roles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from safeguarding.accounts.models import User
from safeguarding.accounts.navigation import address, tools_for
from safeguarding.core.middleware import may_be_signed_in


@dataclass(frozen=True)
class NavigationItem:
    """One link of the staff navigation, all that its markup shows: so the list of items is
    also the variant of the cached layout (``core.templatetags.layout``)."""

    label: str
    url: str
    # aria-current: "page" on the tool's own page, "true" on a page below it, "" elsewhere.
    current: str


def _items(user: User, path: str) -> tuple[NavigationItem, ...]:
    """The dashboard, then the tools of the person's roles, the current one marked."""
    tools = [(tool.label, tool.url) for tool in tools_for(user)]  # each address worked out once
    # The tool whose address the page's starts with, the longest if several do
    # (/staff/newsletter/subscribers/ is under both Newsletters and Subscribers).
    matching = [url for _, url in tools if path.startswith(url)]
    current = max(matching, key=len, default=None)
    dashboard = address("accounts:dashboard")
    return (
        NavigationItem("Dashboard", dashboard, "page" if path == dashboard else ""),
        *(
            NavigationItem(
                label, url, ("page" if path == url else "true") if url == current else ""
            )
            for label, url in tools
        ),
    )


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    """``staff_navigation``, worked out only if a page shows it (public pages never do). A
    visitor without a session cookie is nobody: their session and user are never loaded."""
    if not may_be_signed_in(request):
        return {"staff_navigation": ()}
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        return {"staff_navigation": ()}
    return {"staff_navigation": SimpleLazyObject(lambda: _items(user, request.path))}
