"""Importing an existing list (CSV uploaded by a communications officer).

Only rows that carry consent evidence are imported; every other row is rejected with its
line number and reason. A file that cannot be read (wrong encoding, missing columns) is
refused whole and nothing is saved. A suppressed address is never resubscribed by an import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.newsletter.models import ConsentMethod, Topic
from safeguarding.newsletter.services import record_offline_within

COLUMNS = ("email", "name", "topics", "consent_date", "consent_method", "consent_evidence")
MAX_BYTES = 5 * 1024 * 1024
METHODS = {"paper": ConsentMethod.PAPER, "import": ConsentMethod.IMPORT}


class ImportFileError(Exception):
    """The file as a whole cannot be used. The message is safe to show."""


@dataclass
class ImportReport:
    imported: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    email: str
    name: str
    topics: list[Topic]
    given_at: datetime
    method: ConsentMethod
    evidence: str


def _read(upload: UploadedFile) -> list[dict[str, str]]:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ImportFileError("The file is larger than 5 MB. Split it into smaller files.")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text. Save it as 'CSV UTF-8' and upload it again."
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    present = {name.strip().lower() for name in reader.fieldnames or []}
    missing = [name for name in COLUMNS if name not in present]
    if missing:
        raise ImportFileError(f"The file has no column named {', '.join(missing)}.")
    try:
        return [
            {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
            for row in reader
        ]
    except csv.Error:
        raise ImportFileError("The file is not a valid CSV file.") from None


def _parse(line: int, row: dict[str, str], topics: dict[str, Topic]) -> _Row | str:
    if not row["consent_evidence"]:
        return "no consent evidence"
    try:
        validate_email(row["email"])
    except ValidationError:
        return "not a valid email address"
    method = METHODS.get(row["consent_method"].lower())
    if method is None:
        return "consent_method must be paper or import"
    try:
        day = datetime.strptime(row["consent_date"], "%Y-%m-%d").date()  # noqa: DTZ007
    except ValueError:
        return "consent_date must be a date like 2025-01-31"
    given_at = timezone.make_aware(datetime.combine(day, time(12)))
    if given_at > timezone.now():
        return "consent_date is in the future"
    slugs = row["topics"].split()
    unknown = [slug for slug in slugs if slug not in topics]
    if not slugs or unknown:
        return "topics must list one or more of: " + ", ".join(sorted(topics))
    return _Row(
        line,
        row["email"],
        row["name"],
        [topics[s] for s in slugs],
        given_at,
        method,
        row["consent_evidence"],
    )


@transaction.atomic(durable=True)
def import_subscribers(*, upload: UploadedFile, actor: User) -> ImportReport:
    rows = _read(upload)
    topics = {topic.slug: topic for topic in Topic.objects.filter(is_active=True)}
    report = ImportReport()
    for line, raw in enumerate(rows, start=2):
        parsed = _parse(line, raw, topics)
        if isinstance(parsed, str):
            report.rejected.append((line, parsed))
            continue
        subscriber = record_offline_within(
            email=parsed.email,
            name=parsed.name,
            topics=parsed.topics,
            method=parsed.method,
            evidence=parsed.evidence,
            given_at=parsed.given_at,
            actor=actor,
        )
        if subscriber is None:
            report.rejected.append((line, "this address unsubscribed; only they can sign up again"))
        else:
            report.imported += 1
    audit_log(
        action="newsletter.list.imported",
        actor=actor,
        target_type="newsletter.Import",
        details={"imported": report.imported, "rejected": len(report.rejected)},
    )
    return report
