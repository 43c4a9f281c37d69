"""The times a child death review's information goes to another organisation, each of which
needs an information-sharing decision on record in the review's workspace (P05): the review
sent to the National Child Mortality Database. (A referral to the safeguarding partners stays
inside the partnership, and the reporting forms bring information in.) Each event has a key
of its own, so a decision recorded for it answers it (see ``workspaces.sharing_events``)."""

from __future__ import annotations

from safeguarding.cdop.models import ChildDeath
from safeguarding.workspaces.models import Workspace
from safeguarding.workspaces.sharing_events import SharingEvent

NCMD = "National Child Mortality Database"


def events_of(case: ChildDeath) -> list[SharingEvent]:
    if case.ncmd_sent_on is None:
        return []
    return [
        SharingEvent(
            key="ncmd:sent",
            what="The review's record for the national database",
            organisation=NCMD,
            on=case.ncmd_sent_on,
        )
    ]


def events_in(workspace: Workspace) -> list[SharingEvent]:
    """The sharing events of the review whose workspace this is (none if it has no review)."""
    case = ChildDeath.objects.filter(workspace=workspace).only("pk", "ncmd_sent_on").first()
    return events_of(case) if case is not None else []
