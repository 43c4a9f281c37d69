"""A throw-away database for one benchmark script, set up before Django starts.

SQLite under a temporary folder, or, when BENCH_DATABASE_URL points at a PostgreSQL server,
a database created there for this run and dropped afterwards. Call ``start(name)`` before
importing anything from Django or the project, and the cleanup it returns at the end; a
script that runs the project in other processes (``bench/newsletter.py``) asks ``throwaway``
for a database's address and folder instead, as many as it needs.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def _postgres(server_url: str, sql: str) -> None:
    """Run one statement on the server's maintenance database (CREATE/DROP DATABASE)."""
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql)


def throwaway(name: str) -> tuple[str, Path, Callable[[], None]]:
    """A new empty database (SQLite, or PostgreSQL on BENCH_DATABASE_URL) and a temporary
    folder for VAR_DIR: (DATABASE_URL, folder, cleanup). Django is not started."""
    tmp = Path(tempfile.mkdtemp(prefix=f"safeguarding-bench-{name}-"))
    server_url = os.environ.get("BENCH_DATABASE_URL", "")
    pg_name = f"safeguarding_bench_{name}_{os.getpid()}_{tmp.name[-8:].lower()}"
    if server_url:
        _postgres(server_url, f'CREATE DATABASE "{pg_name}"')
        url = urlunsplit(urlsplit(server_url)._replace(path=f"/{pg_name}"))
    else:
        url = f"sqlite:///{tmp}/bench.sqlite3"

    def cleanup() -> None:
        if server_url:
            _postgres(server_url, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)

    return url, tmp, cleanup


def start(name: str) -> Callable[[], None]:
    """Point DATABASE_URL at a fresh database, start Django, and return the cleanup."""
    sys.path.insert(0, str(ROOT))
    url, tmp, drop = throwaway(name)
    os.environ["VAR_DIR"] = str(tmp)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

    import django

    django.setup()

    def cleanup() -> None:
        from django.db import connections

        connections.close_all()
        drop()

    return cleanup
