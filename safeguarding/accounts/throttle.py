"""Progressive delays for one account's wrong passwords, from any address.

Locking an account after so many failures lets anyone who knows a colleague's email address
lock them out from anywhere. So failures lock an account only at the address they come from
(django-axes, ``AXES_LOCKOUT_PARAMETERS``), and an address that tries many accounts; across
addresses, an account's failures only slow guessing down: after ``FREE_FAILURES`` within the
cool-off period, each further failure makes the next attempt wait twice as long as the last
(1, 2, 4 ... seconds, at most ``MAX_DELAY``). The owner, at their own address, waits at most
that long; a distributed guesser gets a few guesses an hour.

Counts live in the cache (Redis in production, so shared by every web process), keyed by a
keyed hash of the typed address, never the address itself.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

FREE_FAILURES = 5
MAX_DELAY = timedelta(minutes=5)


def _key(email: str) -> str:
    digest = salted_hmac("safeguarding.accounts.throttle", email.strip().lower()).hexdigest()
    return f"signin-throttle:{digest[:32]}"


def seconds_to_wait(email: str) -> int:
    """How long before this account may try a password again (0: now)."""
    state = cache.get(_key(email))
    if not state:
        return 0
    remaining = float(state["until"]) - timezone.now().timestamp()
    return max(0, math.ceil(remaining))


def record_failure(email: str) -> None:
    key = _key(email)
    state = cache.get(key) or {"failures": 0, "until": 0.0}
    failures = state["failures"] + 1
    over = failures - FREE_FAILURES
    delay = 0.0 if over <= 0 else min(2.0 ** (over - 1), MAX_DELAY.total_seconds())
    state = {"failures": failures, "until": timezone.now().timestamp() + delay}
    cache.set(key, state, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))


def clear(email: str) -> None:
    cache.delete(_key(email))
