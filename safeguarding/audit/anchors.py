"""Anchors: the chain head copied, once a day, to somewhere outside the database.

The hash chain shows any edit, deletion or reordering of entries inside the chain. On its own
it cannot show someone with full database access deleting entries from the end and winding
the head back: what is left is still a valid chain. An anchor is the head (sequence and hash)
at one moment, kept where that person cannot reach it: appended to a file on other storage
(``AUDIT_ANCHOR_FILE``, e.g. a write-once share mounted from another system) and/or emailed to
a mailbox outside the platform (``AUDIT_ANCHOR_EMAIL``). ``audit_verify --anchors FILE`` then
checks that every anchored entry is still in the chain with the same hash.

An anchor line holds a sequence number, an HMAC and a time: nothing about anyone.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from safeguarding.audit.models import HEAD_PK, AuditChainHead, AuditEntry
from safeguarding.core.tasks import enqueue_in_transaction, send_email

_LINE = re.compile(r"^(?P<sequence>\d+) (?P<hash>[0-9a-f]{64}) (?P<taken_at>\S+)$")
_CHECK_BATCH = 500


class AnchorFileError(ValueError):
    """An anchor file that cannot be read or has a line that is not an anchor."""


@dataclass(frozen=True)
class Anchor:
    sequence: int
    entry_hash: str
    taken_at: datetime

    def line(self) -> str:
        return f"{self.sequence} {self.entry_hash} {self.taken_at.isoformat()}"


def current_anchor() -> Anchor | None:
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    if head is None or head.last_sequence == 0:
        return None
    return Anchor(head.last_sequence, head.last_hash, timezone.now())


def anchor_head() -> Anchor | None:
    """Copy the current head to the configured places. Returns None for an empty trail."""
    anchor = current_anchor()
    if anchor is None:
        return None
    if settings.AUDIT_ANCHOR_FILE:
        _append(Path(settings.AUDIT_ANCHOR_FILE), anchor.line())
    if settings.AUDIT_ANCHOR_EMAIL:
        enqueue_in_transaction(
            send_email,
            subject=f"Audit trail anchor {anchor.taken_at:%Y-%m-%d}",
            body=(
                "Keep this line. It lets the partnership prove later that no audit entry up to "
                "this one has been removed or changed (audit_verify --anchors).\n\n"
                f"{anchor.line()}\n"
            ),
            to=[settings.AUDIT_ANCHOR_EMAIL],
        )
    return anchor


def _append(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="ascii") as file:
        file.write(line + "\n")
        file.flush()
        os.fsync(file.fileno())


def read_anchor_file(path: Path) -> list[Anchor]:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise AnchorFileError(f"cannot read the anchor file: {error}") from None
    return parse_anchors(text.splitlines())


def parse_anchors(lines: Iterable[str]) -> list[Anchor]:
    """Anchor lines, as written to the file or pasted from the emails; blank lines and lines
    starting with # are skipped."""
    anchors = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        taken_at = _parse_time(match["taken_at"]) if match else None
        if match is None or taken_at is None:
            raise AnchorFileError(
                f"line {number} is not an anchor (expected: sequence, hash, ISO time)"
            )
        anchors.append(Anchor(int(match["sequence"]), match["hash"], taken_at))
    return anchors


def _parse_time(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else None


def check_anchors(anchors: list[Anchor]) -> list[str]:
    """One problem per anchor whose entry is gone or no longer has the anchored hash."""
    problems = []
    for start in range(0, len(anchors), _CHECK_BATCH):
        batch = anchors[start : start + _CHECK_BATCH]
        hashes = dict(
            AuditEntry.objects.filter(sequence__in=[a.sequence for a in batch]).values_list(
                "sequence", "entry_hash"
            )
        )
        for anchor in batch:
            when = f"{anchor.taken_at:%Y-%m-%d %H:%M}"
            found = hashes.get(anchor.sequence)
            if found is None:
                problems.append(
                    f"entry {anchor.sequence}, anchored on {when}, is missing: "
                    "entries were removed from the trail"
                )
            elif found != anchor.entry_hash:
                problems.append(
                    f"entry {anchor.sequence} does not match its anchor of {when}: "
                    "the trail was rewritten"
                )
    return problems
