"""The times a case's information goes to another organisation, each of which needs an
information-sharing decision on record in the case's workspace (P05): the notification to
the national panel (and to Ofsted and the Secretary of State for a looked-after child), the
rapid review to the national panel, and the practice review report to the panel and the
Department. Each has a key of its own, so a decision recorded for it answers it (see
``workspaces.sharing_events``)."""

from __future__ import annotations

from datetime import date

from safeguarding.casereviews.models import CaseReview, Notification, PracticeReview, RapidReview
from safeguarding.workspaces.models import Workspace
from safeguarding.workspaces.sharing_events import SharingEvent

PANEL = "Child Safeguarding Practice Review Panel"
OFSTED = "Ofsted"
SECRETARY_OF_STATE = "Secretary of State for Education"
DEPARTMENT = "Department for Education"


def events_of(case: CaseReview) -> list[SharingEvent]:
    dated: list[tuple[date | None, str, str, str]] = []
    notice = Notification.objects.filter(case=case).first()
    if notice is not None:
        dated += [
            (notice.notified_on, "notification:panel", "Serious incident notification", PANEL),
            (notice.ofsted_notified_on, "notification:ofsted", "Notification to Ofsted", OFSTED),
            (
                notice.secretary_of_state_notified_on,
                "notification:secretary_of_state",
                "Notification to the Secretary of State",
                SECRETARY_OF_STATE,
            ),
        ]
    review = RapidReview.objects.filter(case=case).first()
    if review is not None:
        dated.append((review.sent_to_panel_on, "rapid_review:panel", "Rapid review report", PANEL))
    practice = PracticeReview.objects.filter(case=case).first()
    if practice is not None:
        dated += [
            (
                practice.sent_to_panel_on,
                "practice_review:panel",
                "Practice review report",
                PANEL,
            ),
            (
                practice.sent_to_department_on,
                "practice_review:department",
                "Practice review report",
                DEPARTMENT,
            ),
        ]
    return [
        SharingEvent(key=key, what=what, organisation=organisation, on=on)
        for on, key, what, organisation in dated
        if on
    ]


def events_in(workspace: Workspace) -> list[SharingEvent]:
    """The sharing events of the case whose workspace this is (none if it has no case)."""
    case = CaseReview.objects.filter(workspace=workspace).first()
    return events_of(case) if case is not None else []
