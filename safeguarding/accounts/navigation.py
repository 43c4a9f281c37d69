"""The staff tools each role sees on the dashboard and in the navigation of every staff page.
Access is still checked by each view.

Each app lists its own tools in a ``staff_tools`` module (``TOOLS``); they are gathered from
the installed apps in their order, so adding an app touches no other app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import module_has_submodule

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import WORK_TO_COME, Role


@dataclass(frozen=True)
class StaffTool:
    label: str
    url_name: str
    description: str
    roles: tuple[Role, ...]
    # Also shown to people without any of the roles for whom this says yes: an independent
    # reviewer has no role, only memberships of the cases they review.
    also_for: Callable[[User], bool] | None = None
    # The names of ``roles``, as a person's roles are read (every staff page's navigation).
    role_names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "role_names", frozenset(str(role) for role in self.roles))

    @property
    def url(self) -> str:
        return address(self.url_name)


def address(url_name: str) -> str:
    """The address of the staff page ``url_name`` (worked out once; see ``_address``)."""
    return _address(url_name, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@cache
def _address(url_name: str, prefix: str, urlconf: str) -> str:
    """A tool's address, worked out once for each prefix and URL configuration: every staff
    page's navigation asks for each of its tools' addresses."""
    return reverse(url_name, urlconf=urlconf)


@cache
def all_tools() -> tuple[StaffTool, ...]:
    tools: list[StaffTool] = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "staff_tools"):
            tools += import_module(f"{config.name}.staff_tools").TOOLS
    return tuple(tools)


def tools_for(user: User) -> list[StaffTool]:
    roles = set(user.role_names)
    return [
        tool
        for tool in all_tools()
        if not tool.role_names.isdisjoint(roles)
        or (tool.also_for is not None and tool.also_for(user))
    ]


def work_to_come(user: User) -> list[str]:
    """For each of the user's roles that no app gives a tool yet, what its work will be
    (``roles.WORK_TO_COME``): said on the dashboard until an app registers a tool for it."""
    served = {str(role) for tool in all_tools() for role in tool.roles}
    return [
        sentence
        for role, sentence in WORK_TO_COME.items()
        if str(role) in user.role_names and str(role) not in served
    ]
