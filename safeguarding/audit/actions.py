"""Every action the audit trail records, registered by the app that writes it.

One naming scheme: ``<app label>.<thing>.<what happened>``, lower case with underscores, for
example ``training.booking.cancelled``. Each app registers its actions in its own
``audit_actions`` module, each with a sentence saying what happened, in plain words, for the
pages that show the trail to staff::

    from safeguarding.audit.actions import register

    register("training", {"training.booking.cancelled": "A booking was cancelled"})

``audit_log`` refuses an action nobody registered, and the system check ``audit.E001`` reads
the project's source for every ``audit_log`` and ``audit_read`` call and fails on an action
that is not registered, so a misspelt or undeclared action is caught by ``manage.py check``
(and so by ``make test``), before it is ever written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

NAME = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")

_registered: dict[str, str] = {}
_owners: dict[str, str] = {}
_discovered = False


def register(app_label: str, actions: Mapping[str, str]) -> None:
    """Register ``actions`` (name: what happened) as written by ``app_label``."""
    for name, description in actions.items():
        if not NAME.match(name) or name.split(".", 1)[0] != app_label:
            raise ImproperlyConfigured(
                f"Audit action {name!r} does not follow <{app_label}>.<thing>.<what happened>"
            )
        if not description.strip():
            raise ImproperlyConfigured(f"Audit action {name!r} needs a description")
        _registered[name] = description.strip()
        _owners[name] = app_label


def registered() -> Mapping[str, str]:
    """Every registered action and its description (each app's module discovered once)."""
    global _discovered
    if not _discovered:
        autodiscover_modules("audit_actions")
        _discovered = True
    return _registered


def is_registered(name: str) -> bool:
    return name in registered()


def describe(name: str) -> str:
    """What the action means, in plain words (the name itself if it is not registered)."""
    return registered().get(name, name)


def owner(name: str) -> str | None:
    registered()
    return _owners.get(name)
