"""Kinds of workspace, registered by the apps that own them, so that a new kind needs no
change here. In the owning app's ``ready()``::

    register_kind(
        "case_review",
        "Case review",
        home_url=lambda workspace: reverse("casereviews:case", args=[case_pk_of(workspace)]),
    )

``home_url`` gives the owning app's page for one of its workspaces: the workspace pages
(members, documents, sharing decisions) link back to it, and the owning app links to them
with ``reverse("workspaces:members", args=[workspace.pk])``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from safeguarding.workspaces.models import KIND_PATTERN

if TYPE_CHECKING:
    from safeguarding.workspaces.models import Workspace
    from safeguarding.workspaces.sharing_events import SharingEvent

HomeUrl = Callable[["Workspace"], str | None]
SharingEvents = Callable[["Workspace"], "list[SharingEvent]"]


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    home_url: HomeUrl | None = None
    sharing_events: SharingEvents | None = None


_kinds: dict[str, Kind] = {}


def register_kind(
    code: str,
    label: str,
    home_url: HomeUrl | None = None,
    sharing_events: SharingEvents | None = None,
) -> None:
    """Register a kind of workspace: its code, its label in plain words, and optionally
    ``home_url(workspace)``, the owning app's page for a workspace of this kind (None when it
    has none), and ``sharing_events(workspace)``, the times its information went to another
    organisation (see ``workspaces.sharing_events``)."""
    if not re.fullmatch(KIND_PATTERN, code) or len(code) > 40:
        raise ValueError(f"A workspace kind is a short lower-case code, not {code!r}.")
    _kinds[code] = Kind(code=code, label=label, home_url=home_url, sharing_events=sharing_events)


def is_registered(code: str) -> bool:
    return code in _kinds


def kind_label(code: str) -> str:
    kind = _kinds.get(code)
    return kind.label if kind else code


def home_url(workspace: Workspace) -> str | None:
    """The owning app's page for ``workspace``, if its kind registered one."""
    kind = _kinds.get(workspace.kind)
    if kind is None or kind.home_url is None:
        return None
    return kind.home_url(workspace)


def sharing_events_of(workspace: Workspace) -> list[SharingEvent]:
    """The times ``workspace``'s information went to another organisation, as its kind
    says (none when the kind registered no events)."""
    kind = _kinds.get(workspace.kind)
    if kind is None or kind.sharing_events is None:
        return []
    return kind.sharing_events(workspace)


def kinds_with_sharing_events() -> dict[str, str]:
    """The kinds that list their sharing events: code to label."""
    return {code: kind.label for code, kind in _kinds.items() if kind.sharing_events}


def registered_kinds() -> dict[str, str]:
    return {code: kind.label for code, kind in _kinds.items()}
