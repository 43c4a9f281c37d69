"""What the benchmark scripts measure with: requests a second, and queries a request."""

from __future__ import annotations

import time
from collections.abc import Callable


def rate(fn: Callable[[], object], *, seconds: float = 2.0) -> float:
    """Calls of ``fn`` a second over about ``seconds``, after one call to warm up."""
    fn()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - start)


def queries_of(fn: Callable[[], object]) -> int:
    """The database statements one call of ``fn`` runs (Django must be set up)."""
    from django.db import connection

    found = [0]

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        found[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return found[0]
