"""Figures for the partnership's yearly report (Working Together 2023: the partners report on
what they did in each 12-month period, including on practice reviews), for a reporting year
from 1 April to 31 March.

Counts and days only, across every case: no case is read and nothing about a child is shown,
so the figures are for the business unit (review officers) and administrators, not limited to
the cases they are members of; showing or downloading them is audited.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from statistics import median

from safeguarding.casereviews.clocks import (
    final_report_due,
    notification_due,
    rapid_review_due,
)
from safeguarding.casereviews.models import (
    OPEN_ACTION_STATUSES,
    Action,
    Notification,
    PracticeReview,
    PracticeReviewKind,
    RapidReview,
)
from safeguarding.core.spreadsheets import SafeWriter

YEAR_STARTS_IN_MONTH = 4


@dataclass(frozen=True)
class Figure:
    label: str
    value: int | float | str


@dataclass(frozen=True)
class YearFigures:
    start: date
    end: date
    figures: list[Figure]

    @property
    def title(self) -> str:
        return f"1 April {self.start.year} to 31 March {self.end.year}"


def reporting_year(today: date) -> int:
    """The year the reporting year containing ``today`` starts in."""
    return today.year if today.month >= YEAR_STARTS_IN_MONTH else today.year - 1


def year_figures(year: int, *, today: date) -> YearFigures:
    start, end = date(year, YEAR_STARTS_IN_MONTH, 1), date(year + 1, YEAR_STARTS_IN_MONTH, 1)
    within = {"gte": start, "lt": end}

    def dated(field: str) -> dict[str, date]:
        return {f"{field}__{op}": day for op, day in within.items()}

    notices = list(Notification.objects.filter(**dated("aware_on")).only("aware_on", "notified_on"))
    notified_in_time = sum(
        1 for n in notices if n.notified_on and n.notified_on <= notification_due(n.aware_on)
    )
    reviews = list(
        RapidReview.objects.filter(**dated("sent_to_panel_on"))
        .select_related("notification")
        .only("sent_to_panel_on", "notification__notified_on")
    )
    reviews_in_time = sum(
        1
        for r in reviews
        if r.notification.notified_on
        and r.sent_to_panel_on
        and r.sent_to_panel_on <= rapid_review_due(r.notification.notified_on)
    )
    commissioned = PracticeReview.objects.filter(**dated("decided_on"))
    published = list(
        PracticeReview.objects.filter(**dated("published_on")).only(
            "decided_on", "published_on", "final_report_on"
        )
    )
    days_to_publish = [(p.published_on - p.decided_on).days for p in published if p.published_on]
    reports_in_time = sum(
        1
        for p in published
        if p.final_report_on and p.final_report_on <= final_report_due(p.decided_on)
    )
    open_actions = Action.objects.filter(status__in=OPEN_ACTION_STATUSES)
    figures = [
        Figure("Serious incident notifications", len(notices)),
        Figure("Notified to the national panel within 5 working days", notified_in_time),
        Figure("Rapid reviews sent to the national panel", len(reviews)),
        Figure("Rapid reviews sent within 15 working days", reviews_in_time),
        Figure(
            "Local child safeguarding practice reviews commissioned",
            commissioned.filter(kind=PracticeReviewKind.LCSPR).count(),
        ),
        Figure(
            "Local learning reviews commissioned",
            commissioned.filter(kind=PracticeReviewKind.LEARNING).count(),
        ),
        Figure("Reviews published", len(published)),
        Figure(
            "Reviews not published, with the improvements published instead",
            PracticeReview.objects.filter(**dated("improvements_published_on")).count(),
        ),
        Figure("Published reviews whose final report came within 6 months", reports_in_time),
        Figure(
            "Median days from the decision to publication",
            median(days_to_publish) if days_to_publish else "None published",
        ),
        Figure("Actions open today", open_actions.count()),
        Figure("Actions overdue today", open_actions.filter(due_on__lt=today).count()),
    ]
    return YearFigures(start=start, end=end, figures=figures)


def figures_csv(year: YearFigures) -> str:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow(["Reporting year", "Figure", "Value"])
    writer.writerows([year.title, figure.label, figure.value] for figure in year.figures)
    return buffer.getvalue()
