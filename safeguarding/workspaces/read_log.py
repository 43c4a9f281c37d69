"""Sealing the read log into the audit chain, one day at a time, and checking the seals.

Reads are many, so they are not audit chain entries (each of which waits for the chain's one
lock): they are ``ReadLog`` rows, written in bulk. Once a day has passed, ``read_log_seal``
computes a SHA-256 digest over that day's rows in a fixed order and appends ONE audit entry,
``workspaces.read_log.sealed``, holding the day, the row count and the digest. Days with no
reads are sealed too (count 0), so rows added to an empty day later are found as well.

``verify_read_log`` recomputes every sealed day and compares. A sealed day whose rows were
changed, deleted, added or re-dated no longer matches, and rows dated on a day that should
have been sealed but was not are reported too. What it proves rests on the audit chain
(``audit_verify``, with anchors): whoever could rewrite the seals could rewrite the rows.
Before its seal (at most a day and a few hours) a day's rows are protected only by the
PostgreSQL trigger that refuses UPDATE and DELETE on the table.

Days are local days (Europe/London), as the scheduler's are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_log
from safeguarding.workspaces.models import ReadLog

SEALED = "workspaces.read_log.sealed"
DIGEST_VERSION = 1
_COLUMNS = ("id", "occurred_at", "user_id", "workspace_id", "target_type", "target_id", "purpose")


@dataclass(frozen=True)
class DaySeal:
    day: date
    rows: int
    digest: str


@dataclass(frozen=True)
class ReadLogVerification:
    ok: bool
    days_checked: int
    first_bad_day: date | None = None
    problem: str = ""


def _bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a local day, as aware datetimes."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def _canonical_rows(day: date) -> Iterator[bytes]:
    start, end = _bounds(day)
    rows = (
        ReadLog.objects.filter(occurred_at__gte=start, occurred_at__lt=end)
        .order_by("occurred_at", "id")
        .values_list(*_COLUMNS)
    )
    for row in rows.iterator(chunk_size=2000):
        line = list(row)
        line[1] = row[1].astimezone(UTC).isoformat(timespec="microseconds")  # occurred_at
        yield json.dumps(line, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"


def day_seal(day: date) -> DaySeal:
    """The digest of one day's read log as it stands now."""
    digest = hashlib.sha256(f"read-log v{DIGEST_VERSION} {day.isoformat()}\n".encode())
    count = 0
    for line in _canonical_rows(day):
        digest.update(line)
        count += 1
    return DaySeal(day=day, rows=count, digest=digest.hexdigest())


def recorded_seals() -> dict[date, list[DaySeal]]:
    """Every seal in the audit trail, by day (a day sealed twice by a race has two)."""
    seals: dict[date, list[DaySeal]] = {}
    entries = AuditEntry.objects.filter(action=SEALED, redacted_at__isnull=True)
    for details in entries.order_by("sequence").values_list("details", flat=True):
        seal = DaySeal(
            day=date.fromisoformat(details["day"]), rows=details["rows"], digest=details["digest"]
        )
        seals.setdefault(seal.day, []).append(seal)
    return seals


def _first_day_to_seal(sealed: dict[date, list[DaySeal]]) -> date | None:
    if sealed:
        return max(sealed) + timedelta(days=1)
    first = ReadLog.objects.aggregate(first=Min("occurred_at"))["first"]
    return None if first is None else _local_day(first)


def read_log_seal(*, now: datetime | None = None) -> list[DaySeal]:
    """Seal every past day not sealed yet, each in its own transaction with one audit entry.
    Returns the seals written."""
    today = _local_day(now or timezone.now())
    day = _first_day_to_seal(recorded_seals())
    written = []
    while day is not None and day < today:
        with transaction.atomic(durable=True):
            seal = day_seal(day)
            audit_log(
                action=SEALED,
                actor=None,
                details={
                    "day": seal.day.isoformat(),
                    "rows": seal.rows,
                    "digest": seal.digest,
                    "version": DIGEST_VERSION,
                },
            )
        written.append(seal)
        day += timedelta(days=1)
    return written


def verify_read_log() -> ReadLogVerification:
    """Recompute every sealed day; the earliest day that is wrong is reported."""
    sealed = recorded_seals()
    if not sealed:
        return ReadLogVerification(ok=True, days_checked=0)
    problems: list[tuple[date, str]] = []
    for day in sorted(sealed):
        now = day_seal(day)
        for seal in sealed[day]:
            if seal.rows != now.rows:
                problems.append((day, f"sealed with {seal.rows} reads, now {now.rows}"))
            elif seal.digest != now.digest:
                problems.append((day, "reads altered since the day was sealed"))
        if problems:
            break
    _, end = _bounds(max(sealed))
    days_with_reads = ReadLog.objects.filter(occurred_at__lt=end).datetimes(
        "occurred_at", "day", tzinfo=timezone.get_current_timezone()
    )
    unsealed = next((m.date() for m in days_with_reads if m.date() not in sealed), None)
    if unsealed is not None:
        problems.append((unsealed, "reads on a day that was never sealed"))
    if problems:
        day, problem = min(problems)
        return ReadLogVerification(
            ok=False,
            days_checked=sum(1 for sealed_day in sealed if sealed_day < day),
            first_bad_day=day,
            problem=problem,
        )
    return ReadLogVerification(ok=True, days_checked=len(sealed))
