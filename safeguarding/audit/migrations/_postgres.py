"""Kept for the audit migrations, which import ``RunSQLOnPostgreSQL`` from here (a migration's
imports are frozen); the operation itself lives in ``safeguarding.core.migrations_helpers`` so
that other apps' migrations can use it too. (The migration loader skips modules named "_".)"""

from safeguarding.core.migrations_helpers import RunSQLOnPostgreSQL

__all__ = ["RunSQLOnPostgreSQL"]
