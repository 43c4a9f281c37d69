"""Cached fragments of public pages that are the same for every visitor.

A fragment is the part of a page between the layout's per-visitor parts (the CSP nonce, the
cookie banner and its CSRF token, messages): the layout is rendered on every request and
the fragment dropped into it. Each fragment is stored under a *version* the caller reads
from the database before building it (``training.page_cache`` uses a number the database
raises on every change to what the page shows), so a cached fragment is never older than
the data: a change makes a new version, and the old entries are never read again.

What a page shows can also change with the clock alone (a session starts, bookings close),
so the builder says until when its fragment holds, and a fragment read outside
[built at, valid until) is built again. Fragments hold nothing about a visitor: never pass a
builder anything from the request but the query it was keyed on.

The ``fragments`` cache is separate from the default one, so a flood of fragments can never
evict the rate-limit counters.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import caches
from django.utils import timezone

CACHE_ALIAS = "fragments"
# Entries also expire by themselves, so nothing stays in Redis long after its version.
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Fragment:
    """Rendered parts of a page (``{"title": ..., "content": ...}``) and until when they
    hold with no change in the database (None: until the data changes)."""

    parts: dict[str, str]
    valid_until: datetime | None = None


def cached_fragment(
    namespace: str, version: int | None, key: str, build: Callable[[], Fragment]
) -> dict[str, str]:
    """The parts of the fragment ``namespace``/``key`` at ``version``, built by ``build``
    when absent or out of date. ``version`` None (no version to key on) always builds."""
    if version is None:
        return build().parts
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    cache_key = f"{namespace}:{version}:{digest}"
    cache = caches[CACHE_ALIAS]
    now = timezone.now()
    stored = cache.get(cache_key)
    if stored is not None:
        parts, built_at, valid_until = stored
        if built_at <= now and (valid_until is None or now < valid_until):
            return parts  # type: ignore[no-any-return]
    fragment = build()
    cache.set(cache_key, (fragment.parts, now, fragment.valid_until), TIMEOUT_SECONDS)
    return fragment.parts
