"""A throw-away database for one benchmark script, set up before Django starts.

SQLite under a temporary folder, or, when BENCH_DATABASE_URL points at a PostgreSQL server,
a database created there for this run and dropped afterwards. Call ``start(name)`` before
importing anything from Django or the project, and the cleanup it returns at the end.
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


def start(name: str) -> Callable[[], None]:
    """Point DATABASE_URL at a fresh database, start Django, and return the cleanup."""
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix=f"safeguarding-bench-{name}-")
    os.environ["VAR_DIR"] = tmp
    server_url = os.environ.get("BENCH_DATABASE_URL", "")
    pg_name = f"safeguarding_bench_{name}_{os.getpid()}"
    if server_url:
        _postgres(server_url, f'CREATE DATABASE "{pg_name}"')
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(server_url)._replace(path=f"/{pg_name}"))
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

    import django

    django.setup()

    def cleanup() -> None:
        from django.db import connections

        connections.close_all()
        if server_url:
            _postgres(server_url, f'DROP DATABASE IF EXISTS "{pg_name}"')
        shutil.rmtree(tmp, ignore_errors=True)

    return cleanup
