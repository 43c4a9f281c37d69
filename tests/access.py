"""The URL x persona access table, gathered from every tests/**/access_*.py module.

Each module defines ``ACCESS: dict[str, Access]`` for its own URL names. A staff URL with no
entry anywhere makes ``test_every_staff_url_has_an_entry_in_the_access_table`` fail.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safeguarding.accounts.roles import ALL_ROLES, Role

LOGIN = "/staff/sign-in/"
MFA_SETUP = "/staff/two-factor/set-up/"

ANONYMOUS = "anonymous"
NO_MFA = "password only"


@dataclass(frozen=True)
class Access:
    method: str = "get"
    needs_target: bool = False
    anonymous: int | str = LOGIN  # a status code, or where it redirects
    no_mfa: int | str = MFA_SETUP
    roles: dict[Role, int] = field(default_factory=lambda: dict.fromkeys(ALL_ROLES, 200))
    # For URLs with arguments: creates what the URL points at and returns reverse() kwargs.
    make_kwargs: Callable[[], dict[str, Any]] | None = None
    # Form data for method="post" entries.
    data: dict[str, Any] = field(default_factory=dict)
    # A workspace page. No role opens a workspace, so ``roles`` are all 404 and ``make_kwargs``
    # makes a workspace someone else leads. ``in_workspace(user, role)`` makes a workspace with
    # ``user`` in that membership role (its lead for "lead"), and what the URL points at, and
    # returns reverse() kwargs; ``members`` is the answer expected for each membership role
    # (tests/workspaces/test_access_members.py; the form fuzzer posts as the lead).
    in_workspace: Callable[[Any, str], dict[str, Any]] | None = None
    members: dict[str, int] = field(default_factory=dict)


def only(*allowed: Role, other: int = 403) -> dict[Role, int]:
    return {role: 200 if role in allowed else other for role in ALL_ROLES}


def acted_on(*allowed: Role) -> dict[Role, int]:
    """A POST action: whoever may act is sent back to where they came from (with what
    happened, or why it was refused); everyone else is refused."""
    return {role: 302 if role in allowed else 403 for role in ALL_ROLES}


PUBLIC = Access(anonymous=200, no_mfa=200, roles=dict.fromkeys(ALL_ROLES, 200))


def collect() -> dict[str, Access]:
    table: dict[str, Access] = {}
    root = Path(__file__).parent
    for path in sorted(root.rglob("access_*.py")):
        module = importlib.import_module(
            ".".join(path.relative_to(root.parent).with_suffix("").parts)
        )
        for name, access in module.ACCESS.items():
            if name in table:
                raise AssertionError(f"{name} appears twice in the access tables")
            table[name] = access
    return table
