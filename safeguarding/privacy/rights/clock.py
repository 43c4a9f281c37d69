"""The UK GDPR clock for rights requests: pure date arithmetic, no database.

From the ICO's right-of-access guidance (reference/uk-safeguarding-domain.md section 4):

- the clock starts on the LATER of the day the request arrived and the day the requester's
  identity was confirmed;
- the request is due one calendar month later: the same day next month, or that month's last
  day when it has no such day (31 January -> 28 or 29 February);
- if that day is a weekend or an England and Wales bank holiday, it moves to the next
  working day;
- while we wait for the requester to clarify, the clock stops: the days paused are added on;
- the deadline may be extended ONCE by up to two further months for a complex request or
  several requests, so at most three months from the start, and only if the requester is told
  why within the first month (on or before the original due date).

The same one-month clock applies to every right (UK GDPR Article 12(3)), not only access.
All arguments are local (Europe/London) dates; the services convert datetimes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from safeguarding.core.working_days import add_months, next_working_day

MAX_EXTENSION_MONTHS = 2


class ExtensionRefused(ValueError):
    """The extension breaks the rules. The message is safe to show to staff."""


@dataclass(frozen=True)
class Pause:
    """A stop of the clock while we wait for the requester; ``ended`` is None while it runs."""

    started: date
    ended: date | None = None


def clock_start(received: date, identity_confirmed: date | None) -> date | None:
    """The day the clock starts, or None while the requester's identity is unconfirmed."""
    if identity_confirmed is None:
        return None
    return max(received, identity_confirmed)


def days_paused(pauses: Iterable[Pause], *, as_of: date) -> int:
    """Whole days the clock was stopped; a pause still running counts up to ``as_of``."""
    total = 0
    for pause in pauses:
        ended = pause.ended or as_of
        total += max((ended - pause.started).days, 0)
    return total


def due_date(
    received: date,
    identity_confirmed: date | None,
    pauses: Iterable[Pause] = (),
    extension_months: int = 0,
    *,
    as_of: date | None = None,
) -> date | None:
    """When the answer is due, or None while identity is unconfirmed (the clock has not started).

    A running pause counts up to ``as_of`` (required if any pause is still running): the due
    date it gives is the one that would apply if the clock restarted that day.
    """
    start = clock_start(received, identity_confirmed)
    if start is None:
        return None
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ExtensionRefused(
            f"A deadline can be extended by at most {MAX_EXTENSION_MONTHS} further months."
        )
    pauses = list(pauses)
    if as_of is None and any(pause.ended is None for pause in pauses):
        raise ValueError("as_of is needed while a pause is running")
    paused = days_paused(pauses, as_of=as_of or start)
    # Count the months from the start, not from a rolled-forward date, then add the days
    # paused, and only then move off a weekend or bank holiday.
    last_day = add_months(start, 1 + extension_months) + timedelta(days=paused)
    return next_working_day(last_day)


def check_extension(
    *,
    original_due: date,
    notice_sent: date,
    months: int,
    already_extended: bool,
) -> None:
    """Raise ExtensionRefused unless this extension is allowed.

    ``original_due`` is the due date without any extension (pauses included): the requester
    must be told on or before it. An extension is allowed once, by one or two months.
    """
    if already_extended:
        raise ExtensionRefused("This request has already been extended; it can be extended once.")
    if not 1 <= months <= MAX_EXTENSION_MONTHS:
        raise ExtensionRefused(
            f"Extend by 1 or {MAX_EXTENSION_MONTHS} months: the law allows at most three "
            "months in all from the start."
        )
    if notice_sent > original_due:
        raise ExtensionRefused(
            "It is too late to extend: the requester must be told within the first month, "
            f"on or before {original_due.day} {original_due:%B %Y}."
        )


def days_left(due: date, *, today: date) -> int:
    """Calendar days until ``due``; 0 on the day, negative once overdue."""
    return (due - today).days
