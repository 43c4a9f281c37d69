"""What the database driver raises when the server is down, restarting, or the connection was
cut: the worker waits these out (safeguarding.core.worker), a campaign batch records a sent
message through them (safeguarding.newsletter.sending), and the site answers 503."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
