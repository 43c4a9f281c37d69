"""What the benchmark scripts measure with: requests a second (in process, or from a real
server under concurrent clients), ratios to a baseline over repeated rounds, and queries a
request."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def as_production_runs() -> None:
    """What the benchmarks need of Django's test environment (mail kept in memory; the test
    client's host is in bench/settings.py) without the rest of ``setup_test_environment()``:
    it also instruments every template render (a signal, and a copy of the context for the
    test client), which production never does and the trivial baseline, rendering no
    template, never pays. Every in-process figure is measured this way."""
    from django.conf import settings
    from django.core import mail

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []


def rate(fn: Callable[[], object], *, seconds: float = 2.0) -> float:
    """Calls of ``fn`` a second over about ``seconds``, after one call to warm up."""
    fn()
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        count += 1
    return count / (time.perf_counter() - start)


def served_rate(base: str, path: str, *, clients: int, seconds: float, cookie: str = "") -> float:
    """Requests a second a real server at ``base`` answers for ``path`` to ``clients``
    concurrent clients (each a new connection, as tests.training.load makes them), over
    about ``seconds``; anything but 200 stops the benchmark."""
    from tests.training.load import get

    get(base, path, cookie=cookie)  # warm up
    stop = time.perf_counter() + seconds
    counts = [0] * clients
    failures: list[int] = []

    def hammer(index: int) -> None:
        while time.perf_counter() < stop:
            result = get(base, path, cookie=cookie)
            if result.status != 200:
                failures.append(result.status)
            counts[index] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{path} answered {failures[0]} under load")
    return sum(counts) / (time.perf_counter() - started)


def warm_up(base: str, paths: list[str], *, clients: int) -> None:
    """Every worker and thread of the server at ``base`` warmed up on ``paths`` (its
    database connection, its templates, its cached pages) before anything is measured."""
    for path in paths:
        served_rate(base, path, clients=clients, seconds=0.3)


@dataclass(frozen=True)
class Ratio:
    """A measured rate over its baseline's, the median of rounds measured in turn."""

    median: float
    low: float
    high: float
    measured: float  # the measured rate of the median round
    baseline: float  # its baseline's

    def __str__(self) -> str:
        return (
            f"{self.measured:8.1f} vs {self.baseline:8.1f} req/s = {self.median:.2f}x "
            f"(median of rounds, {self.low:.2f}-{self.high:.2f}x)"
        )


def ratio(measure: Callable[[], float], baseline: Callable[[], float], *, rounds: int = 3) -> Ratio:
    """``measure()`` over ``baseline()``, each measured in turn ``rounds`` times, so both
    see the same load on a shared machine; the median round and the range."""
    found = []
    for _round in range(rounds):
        base_rate = baseline()
        measured = measure()
        found.append((measured / base_rate, measured, base_rate))
    found.sort()
    median, measured, base_rate = found[len(found) // 2]
    return Ratio(median, found[0][0], found[-1][0], measured, base_rate)


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


@contextmanager
def gunicorn(**env: str) -> Iterator[str]:
    """The project served as the README deploys it (gunicorn; 2 workers x 4 threads on this
    2-core machine) from this run's database (bench/database.py) with the benchmark settings
    and ``env``; yields its base URL."""
    from tests.processes import project_env, running_server

    var_dir = Path(os.environ["VAR_DIR"])
    environment = project_env(
        var_dir,
        DATABASE_URL=os.environ["DATABASE_URL"],
        DJANGO_SETTINGS_MODULE="bench.training_settings",
        **env,
    )
    log = var_dir / "gunicorn.log"
    with running_server(environment, production=True, workers=2, threads=4, log=log) as base:
        yield base
