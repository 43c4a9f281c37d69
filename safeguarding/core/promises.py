"""The registry of promise checks: each promise of the privacy notice (P01-P24), checked
against the live database and configuration by ``manage.py check_promises``.

Every app registers its own checks in its ``promises`` module with ``@promise("P16")``;
``check_all`` discovers those modules, so no hub names the apps. Several apps may check
parts of one promise (P01: the inventory and the booking form): a promise is kept when every
part is, broken when any part is, and not yet built when a part says so and none is broken.
A check must look at real state; one with nothing to look at yet says so rather than passing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.module_loading import autodiscover_modules


class Outcome(StrEnum):
    PASS = "PASS"  # noqa: S105  (an outcome, not a password)
    FAIL = "FAIL"
    NOT_YET_BUILT = "NOT YET BUILT"


@dataclass(frozen=True)
class Result:
    promise: str
    outcome: Outcome
    evidence: str


Check = Callable[[], tuple[Outcome, str]]
_checks: dict[str, list[Check]] = {}


def promise(key: str) -> Callable[[Check], Check]:
    """Register the decorated function as (part of) the check of promise ``key``."""

    def register(check: Check) -> Check:
        parts = _checks.setdefault(key, [])
        if check not in parts:
            parts.append(check)
        return check

    return register


def not_yet(reason: str) -> tuple[Outcome, str]:
    return Outcome.NOT_YET_BUILT, reason


def check(key: str) -> Result:
    """Run every part of one promise's check and combine them."""
    autodiscover_modules("promises")
    parts = [part() for part in _checks.get(key, [])]
    if not parts:
        return Result(key, Outcome.NOT_YET_BUILT, "no check is registered for this promise")
    for outcome in (Outcome.FAIL, Outcome.NOT_YET_BUILT):
        matching = [evidence for result, evidence in parts if result is outcome]
        if matching:
            return Result(key, outcome, "; ".join(matching))
    return Result(key, Outcome.PASS, "; ".join(evidence for _, evidence in parts))


def check_all() -> list[Result]:
    autodiscover_modules("promises")
    return [check(key) for key in sorted(_checks, key=lambda k: int(k[1:]))]
