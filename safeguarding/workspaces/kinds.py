"""Kinds of workspace, registered by the apps that own them, so that a new kind needs no
change here: ``register_kind("case_review", "Case review")`` in the owning app's ``ready()``.
"""

from __future__ import annotations

import re

from safeguarding.workspaces.models import KIND_PATTERN

_kinds: dict[str, str] = {}


def register_kind(code: str, label: str) -> None:
    if not re.fullmatch(KIND_PATTERN, code) or len(code) > 40:
        raise ValueError(f"A workspace kind is a short lower-case code, not {code!r}.")
    _kinds[code] = label


def is_registered(code: str) -> bool:
    return code in _kinds


def kind_label(code: str) -> str:
    return _kinds.get(code, code)


def registered_kinds() -> dict[str, str]:
    return dict(_kinds)
