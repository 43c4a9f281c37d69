"""The staff tools each role sees on the dashboard. Access is still checked by each view.

Each app lists its own tools in a ``staff_tools`` module (``TOOLS``); they are gathered from
the installed apps in their order, so adding an app touches no other app.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import module_has_submodule

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role


@dataclass(frozen=True)
class StaffTool:
    label: str
    url_name: str
    description: str
    roles: tuple[Role, ...]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@cache
def all_tools() -> tuple[StaffTool, ...]:
    tools: list[StaffTool] = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "staff_tools"):
            tools += import_module(f"{config.name}.staff_tools").TOOLS
    return tuple(tools)


def tools_for(user: User) -> list[StaffTool]:
    roles = set(user.role_names)
    return [tool for tool in all_tools() if roles & {str(role) for role in tool.roles}]
