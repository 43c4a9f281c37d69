"""The clock is an input of the suite, like the database: a test that needs "now" says which.

Two tools, both built on time-machine (which moves ``time.time``, ``datetime.now`` and every
other wall-clock call in this process; ``time.monotonic`` keeps running, so timeouts work):

- the ``clock`` fixture (``tests/conftest.py``) for a test about a particular moment::

      def test_daily_jobs_wait_for_the_night(clock):
          clock.move_to(at_london(2027, 3, 9, 0, 30))

- ``TEST_CLOCK`` for the whole run: ``TEST_CLOCK=leap-day make test-fast`` runs every test as
  if the suite had started at that moment (the clock ticks on from there). The names are the
  edge moments below; an ISO 8601 date and time with an offset works too. ``make test-clock``
  picks one at random and prints it, so a failure can be replayed. Tests that start real
  processes (servers, workers, the browser: marked ``processes``) cannot share this process's
  clock; they are skipped in such a run, with the count printed at the end.

Each moment below was chosen because code about time breaks there: the date changes in UTC
or in London but not both, a month or year ends, an hour repeats or is skipped, or the next
working day is days away.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
ENVIRONMENT_VARIABLE = "TEST_CLOCK"


def at_london(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """An aware datetime for a wall-clock time in London (what staff and the public see)."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


@dataclass(frozen=True)
class EdgeMoment:
    name: str
    when: datetime
    why: str


EDGE_MOMENTS: tuple[EdgeMoment, ...] = (
    EdgeMoment(
        "after-midnight-utc",
        datetime(2027, 1, 19, 0, 4, tzinfo=UTC),
        "just after midnight, UTC and London alike in winter; before the daily jobs' hour",
    ),
    EdgeMoment(
        "before-midnight-utc",
        datetime(2027, 1, 19, 23, 56, tzinfo=UTC),
        "just before midnight in winter: tomorrow is minutes away",
    ),
    EdgeMoment(
        "after-midnight-london",
        at_london(2027, 7, 14, 0, 4),
        "just after midnight in London in summer, still yesterday in UTC",
    ),
    EdgeMoment(
        "before-midnight-london",
        at_london(2027, 7, 13, 23, 56),
        "just before midnight in London in summer, already tomorrow in UTC",
    ),
    EdgeMoment(
        "daily-jobs-hour",
        at_london(2027, 2, 10, 1, 59),
        "a minute before the daily jobs may run (02:00 London)",
    ),
    EdgeMoment(
        "end-of-month",
        at_london(2027, 4, 30, 23, 50),
        "the last evening of a 30-day month: the same day next month does not exist",
    ),
    EdgeMoment(
        "leap-day",
        at_london(2028, 2, 29, 9, 0),
        "29 February in a leap year, a Tuesday",
    ),
    EdgeMoment(
        "new-year",
        at_london(2026, 12, 31, 23, 57),
        "31 December turning into 1 January while the suite runs",
    ),
    EdgeMoment(
        "clocks-go-forward",
        datetime(2027, 3, 28, 0, 57, tzinfo=UTC),
        "minutes before 01:00 London becomes 02:00 (the last Sunday of March)",
    ),
    EdgeMoment(
        "clocks-go-back",
        datetime(2027, 10, 31, 0, 57, tzinfo=UTC),
        "minutes before 02:00 BST becomes 01:00 GMT and an hour repeats (last Sunday of October)",
    ),
    EdgeMoment(
        "bank-holiday-weekend",
        at_london(2027, 5, 28, 18, 30),
        "a Friday evening before the late May bank holiday Monday",
    ),
    EdgeMoment(
        "christmas-week",
        at_london(2026, 12, 24, 16, 0),
        "Christmas Eve: Christmas Day and the substitute Boxing Day are bank holidays",
    ),
)


def edge_moment(name: str) -> EdgeMoment:
    for moment in EDGE_MOMENTS:
        if moment.name == name:
            return moment
    try:
        when = datetime.fromisoformat(name)
    except ValueError:
        names = ", ".join(moment.name for moment in EDGE_MOMENTS)
        raise ValueError(
            f"{ENVIRONMENT_VARIABLE}={name!r} is neither an edge moment ({names}) "
            "nor an ISO 8601 date and time"
        ) from None
    if when.tzinfo is None:
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={name!r} needs an offset, such as +00:00")
    return EdgeMoment(name, when, "a moment given by hand")


def moment_from_environment() -> EdgeMoment | None:
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    return edge_moment(value)


def random_moment_name() -> str:
    """For ``make test-clock``: one of the edge moments, chosen at random."""
    return random.choice(EDGE_MOMENTS).name


if __name__ == "__main__":
    print(random_moment_name())
