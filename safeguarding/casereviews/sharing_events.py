"""The times a case's information goes to another organisation, each of which needs an
information-sharing decision on record in the case's workspace (P05): the notification to
the national panel (and to Ofsted and the Secretary of State for a looked-after child), the
rapid review to the national panel, and the practice review report to the panel and the
Department. A decision answers an event when it records sharing with that organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from safeguarding.casereviews.models import CaseReview, Notification, PracticeReview, RapidReview
from safeguarding.workspaces.models import SharingDecision

PANEL = "Child Safeguarding Practice Review Panel"
OFSTED = "Ofsted"
SECRETARY_OF_STATE = "Secretary of State for Education"
DEPARTMENT = "Department for Education"


@dataclass(frozen=True)
class SharingEvent:
    what: str
    organisation: str
    on: date


def events_of(case: CaseReview) -> list[SharingEvent]:
    dated: list[tuple[date | None, str, str]] = []
    notice = Notification.objects.filter(case=case).first()
    if notice is not None:
        dated += [
            (notice.notified_on, "Serious incident notification", PANEL),
            (notice.ofsted_notified_on, "Notification to Ofsted", OFSTED),
            (
                notice.secretary_of_state_notified_on,
                "Notification to the Secretary of State",
                SECRETARY_OF_STATE,
            ),
        ]
    review = RapidReview.objects.filter(case=case).first()
    if review is not None:
        dated.append((review.sent_to_panel_on, "Rapid review report", PANEL))
    practice = PracticeReview.objects.filter(case=case).first()
    if practice is not None:
        dated += [
            (practice.sent_to_panel_on, "Practice review report", PANEL),
            (practice.sent_to_department_on, "Practice review report", DEPARTMENT),
        ]
    return [SharingEvent(what, organisation, on) for on, what, organisation in dated if on]


def unanswered(
    events: Iterable[SharingEvent], decisions: Iterable[SharingDecision]
) -> list[SharingEvent]:
    """The events with no decision recording sharing with that organisation, as many
    decisions as events (two reports to the panel need two decisions)."""
    shared_with: dict[str, int] = {}
    for decision in decisions:
        if decision.shared:
            key = decision.recipient_organisation.strip().casefold()
            shared_with[key] = shared_with.get(key, 0) + 1
    missing = []
    for event in sorted(events, key=lambda e: e.on):
        key = event.organisation.casefold()
        if shared_with.get(key, 0) > 0:
            shared_with[key] -= 1
        else:
            missing.append(event)
    return missing
