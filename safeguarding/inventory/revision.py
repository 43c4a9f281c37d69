"""A number raised whenever a purpose, retention rule or model declaration is registered, so
what is built from the inventory (the privacy notice's page) can be kept until it changes.
The registries change at import, and in tests that register their own."""

from __future__ import annotations

_revision = 0


def changed() -> None:
    global _revision
    _revision += 1


def current() -> int:
    return _revision
