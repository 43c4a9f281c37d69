"""The catalogue's and course pages' cache version (see ``core.fragment_cache``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone

from safeguarding.core.content_versions import version_of
from safeguarding.training.models import CatalogueVersion, Session

NAMESPACE = "training"


def catalogue_version() -> int:
    """The number the database raises on every change to courses, sessions, bookings and
    waiting lists (``core.content_versions``)."""
    return version_of(CatalogueVersion)


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
