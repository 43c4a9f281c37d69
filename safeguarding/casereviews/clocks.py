"""The statutory and local clocks of a case, computed from its dates (nothing stored).

- Serious incident notification: within 5 working days of the local authority becoming
  aware (Children Act 2004 s16C; Working Together 2023). A looked-after child: Ofsted and the
  Secretary of State are told too, in the same time.
- Rapid review: 15 working days from the date the notification was sent to the panel.
- Local child safeguarding practice review: the final report within 6 months of the decision
  to hold it; the report to the panel and the Department at least 7 working days before
  publication.
- Information requests, written requests to the reviewer, checkpoints and actions: the due
  date each was given.

Working days are England's (weekends and bank holidays off: ``core.working_days``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ObjectDoesNotExist

from safeguarding.casereviews.models import (
    CaseReview,
    Notification,
    PracticeReview,
    RapidReview,
)
from safeguarding.core.working_days import (
    add_months,
    add_working_days,
    working_days_before,
    working_days_between,
)

NOTIFICATION_WORKING_DAYS = 5
RAPID_REVIEW_WORKING_DAYS = 15
FINAL_REPORT_MONTHS = 6
BEFORE_PUBLICATION_WORKING_DAYS = 7
# The daily reminder covers clocks due within this many working days.
REMIND_WITHIN_WORKING_DAYS = 2


def notification_due(aware_on: date) -> date:
    return add_working_days(aware_on, NOTIFICATION_WORKING_DAYS)


def rapid_review_due(notified_on: date) -> date:
    return add_working_days(notified_on, RAPID_REVIEW_WORKING_DAYS)


def final_report_due(decided_on: date) -> date:
    return add_months(decided_on, FINAL_REPORT_MONTHS)


def send_before_publication(publication_on: date) -> date:
    """The last day the report may go to the panel and the Department."""
    return working_days_before(publication_on, BEFORE_PUBLICATION_WORKING_DAYS)


@dataclass(frozen=True)
class Clock:
    """One thing due in a case: what, by when, and when it was done (None while open)."""

    name: str
    due_on: date
    done_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.done_on is None

    def working_days_left(self, today: date) -> int:
        """Working days from ``today`` to the due date; 0 on the day, negative when late."""
        return working_days_between(today, self.due_on)

    def is_overdue(self, today: date) -> bool:
        return self.is_open and today > self.due_on

    def is_due_soon(self, today: date, within: int = REMIND_WITHIN_WORKING_DAYS) -> bool:
        return (
            self.is_open and not self.is_overdue(today) and self.working_days_left(today) <= within
        )

    def was_late(self) -> bool:
        return self.done_on is not None and self.done_on > self.due_on

    def in_words(self, today: date) -> str:
        """Where the clock stands, as the case page says it."""
        if self.done_on is not None:
            return f"Done on {self.done_on:%-d %B %Y}" + (" (late)" if self.was_late() else "")
        left = self.working_days_left(today)
        if self.is_overdue(today):
            return f"Overdue by {_days(-left)}" if left < 0 else "Overdue"
        return "Due today" if left == 0 else f"{_days(left)} left"


def _days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


def _related(case: CaseReview, name: str) -> object | None:
    try:
        related: object = getattr(case, name)
        return related
    except ObjectDoesNotExist:
        return None


def notification_clocks(notice: Notification) -> list[Clock]:
    due = notification_due(notice.aware_on)
    clocks = [Clock("Notify the national panel", due, notice.notified_on)]
    if notice.looked_after:
        clocks += [
            Clock("Notify Ofsted (looked-after child)", due, notice.ofsted_notified_on),
            Clock(
                "Notify the Secretary of State (looked-after child)",
                due,
                notice.secretary_of_state_notified_on,
            ),
        ]
    return clocks


def rapid_review_clocks(notice: Notification, review: RapidReview | None) -> list[Clock]:
    if notice.notified_on is None:
        return []
    return [
        Clock(
            "Rapid review to the national panel",
            rapid_review_due(notice.notified_on),
            review.sent_to_panel_on if review else None,
        )
    ]


def practice_review_clocks(review: PracticeReview) -> list[Clock]:
    clocks = [Clock("Final report", final_report_due(review.decided_on), review.final_report_on)]
    if review.publication_planned_on and not review.improvements_published_on:
        send_by = send_before_publication(review.publication_planned_on)
        sent = (
            max(review.sent_to_panel_on, review.sent_to_department_on)
            if review.sent_to_panel_on and review.sent_to_department_on
            else None
        )
        clocks.append(Clock("Report to the national panel and the Department", send_by, sent))
    return clocks


def case_clocks(case: CaseReview) -> list[Clock]:
    """Every clock of a case, soonest due first. Reads the case's notification, reviews and
    dated items: select or prefetch them (``selectors.with_clock_data``) for a list."""
    clocks: list[Clock] = []
    notice = _related(case, "notification")
    if isinstance(notice, Notification):
        clocks += notification_clocks(notice)
        review = _related(case, "rapid_review")
        clocks += rapid_review_clocks(notice, review if isinstance(review, RapidReview) else None)
    practice = _related(case, "practice_review")
    if isinstance(practice, PracticeReview):
        clocks += practice_review_clocks(practice)
    clocks += _dated_items(case)
    return sorted(clocks, key=lambda clock: (clock.due_on, clock.name))


def _dated_items(case: CaseReview) -> Iterable[Clock]:
    for request in case.information_requests.all():
        if request.due_on:
            yield Clock(f"Information from {request.agency}", request.due_on, request.returned_on)
    for asked in case.reviewer_requests.all():
        if asked.due_on:
            yield Clock("Answer from the reviewer", asked.due_on, asked.answered_on)
    for checkpoint in case.checkpoints.all():
        yield Clock(
            f"{checkpoint.get_kind_display()} checkpoint", checkpoint.due_on, checkpoint.held_on
        )
    for action in case.actions.all():
        yield Clock(f"Action owned by {action.owner}", action.due_on, action.completed_on)


def open_clocks(clocks: Iterable[Clock]) -> list[Clock]:
    return [clock for clock in clocks if clock.is_open]


def next_due(clocks: Iterable[Clock]) -> Clock | None:
    return min(open_clocks(clocks), key=lambda clock: clock.due_on, default=None)


def overdue(clocks: Iterable[Clock], today: date) -> list[Clock]:
    return [clock for clock in clocks if clock.is_overdue(today)]
