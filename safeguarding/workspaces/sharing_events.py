"""The times a workspace's information went to another organisation, each of which needs an
information-sharing decision on record (P05).

The app that owns a kind of workspace says what its events are (``register_kind(...,
sharing_events=...)``); each has a key that stays the same for the life of the workspace
("notification:panel"). A decision recorded from an event's "Record the decision" link keeps
that key and answers that event, whatever the organisation was called; a decision recorded on
its own answers an event of the organisation it names, one event per decision.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from safeguarding.workspaces.models import SharingDecision


@dataclass(frozen=True)
class SharingEvent:
    key: str
    what: str
    organisation: str
    on: date


def unanswered(
    events: Iterable[SharingEvent], decisions: Iterable[SharingDecision]
) -> list[SharingEvent]:
    """The events with no decision recording sharing for them: first those a decision names by
    its key, then one decision naming the organisation for each event left (two reports to the
    panel need two decisions)."""
    answered: set[str] = set()
    by_organisation: dict[str, int] = {}
    for decision in decisions:
        if not decision.shared:
            continue
        if decision.answers:
            answered.add(decision.answers)
        else:
            key = decision.recipient_organisation.strip().casefold()
            by_organisation[key] = by_organisation.get(key, 0) + 1
    missing = []
    for event in sorted(events, key=lambda e: (e.on, e.key)):
        organisation = event.organisation.casefold()
        if event.key in answered:
            continue
        if by_organisation.get(organisation, 0) > 0:
            by_organisation[organisation] -= 1
        else:
            missing.append(event)
    return missing
