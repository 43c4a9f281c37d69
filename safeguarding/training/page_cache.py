"""The catalogue's and course pages' cache version (see ``core.fragment_cache``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, connection
from django.utils import timezone

from safeguarding.training.models import CatalogueVersion, Session

NAMESPACE = "training"


def catalogue_version() -> int:
    """The number the database raises on every change to courses, sessions, bookings and
    waiting lists. Read it *before* the data a fragment shows: a fragment is then never
    older than its version (a change committed in between makes a newer version)."""
    # A plain statement: this runs on every catalogue and course page, where the ORM's
    # query building would cost more than the database's answer.
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM training_catalogueversion WHERE id = 1")
        row = cursor.fetchone()
    if row is not None:
        return int(row[0])
    # The row is made by the migration; a database emptied since (a flushed test database)
    # gets it back here.
    try:
        return CatalogueVersion.objects.get_or_create(pk=1)[0].value
    except IntegrityError:  # pragma: no cover - another request made it first
        return CatalogueVersion.objects.get(pk=1).value


def valid_until(sessions: Iterable[Session]) -> datetime | None:
    """The next moment the clock alone changes how these sessions are shown: one starts (and
    leaves the upcoming list) or its bookings close."""
    now = timezone.now()
    moments = [
        moment
        for session in sessions
        for moment in (session.starts_at, session.bookings_close_at)
        if moment > now
    ]
    return min(moments, default=None)
