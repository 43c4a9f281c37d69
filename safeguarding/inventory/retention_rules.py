"""How long each kind of record is kept: a trigger event, a period, and what happens then.

These are the defaults in code. The retention engine applies them, and the data protection
lead may change a rule's period within its allowed range in the staff area (audited): never
below the rule's minimum in settings, and a shorter period only with a second person's
approval (``safeguarding.privacy.retention.services``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

from safeguarding.inventory import revision

# The range within which the data protection lead may change a rule's period.
MIN_DAYS = 1
MAX_DAYS = 365 * 20


def minimum_days(key: str) -> int:
    """The shortest period a rule may have (``RETENTION_MINIMUM_DAYS``); 0 where none is set."""
    return int(settings.RETENTION_MINIMUM_DAYS.get(key, 0))


def below_minimum(minimum: int) -> str:
    return (
        f"Enter a number of days of at least {minimum}; this record type must be kept for at "
        f"least {minimum} days"
    )


def period_in_words(days: int) -> str:
    if days % 365 == 0 and days:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    if days % 30 == 0 and days >= 60:
        return f"{days // 30} months"
    return f"{days} day{'s' if days != 1 else ''}"


class Action(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    KEEP = "keep"  # kept for the life of the service, with the reason stated


@dataclass(frozen=True)
class RetentionRule:
    key: str
    trigger: str  # the event the period runs from, in words for the notice
    days: int  # 0 with Action.KEEP
    action: Action
    reason: str = ""

    @property
    def period_in_words(self) -> str:
        if self.action is Action.KEEP:
            return "kept for as long as the service runs"
        return period_in_words(self.days)


_registry: dict[str, RetentionRule] = {}


def register(rule: RetentionRule) -> RetentionRule:
    _registry[rule.key] = rule
    revision.changed()
    return rule


def get(key: str) -> RetentionRule | None:
    return _registry.get(key)


def all_rules() -> list[RetentionRule]:
    return sorted(_registry.values(), key=lambda rule: rule.key)


register(RetentionRule("staff_account", "the account is disabled", 365 * 2, Action.ANONYMISE))
register(RetentionRule("staff_session", "the session is last used", 1, Action.DELETE))
register(
    RetentionRule(
        "workspace_membership", "access is revoked, lapses or expires", 365 * 6, Action.DELETE
    )
)
register(
    RetentionRule(
        "workspace",
        "the workspace is opened",
        0,
        Action.KEEP,
        reason=(
            "A workspace's row says only what kind of review it was for, who opened it and when; "
            "it is kept so that the record of who could see and who read restricted records "
            "stays complete. The records inside it follow their own rules."
        ),
    )
)
register(
    RetentionRule(
        "read_log",
        "the record is read",
        0,
        Action.KEEP,
        reason=(
            "The record of who read a restricted record is part of the audit trail: each day's "
            "reads are sealed into it, and removing any would break the seal."
        ),
    )
)
register(
    RetentionRule(
        "audit_trail",
        "the entry is written",
        365 * 6,
        Action.KEEP,
        reason=(
            "Audit entries are never deleted, so the trail stays verifiable; when the records "
            "they describe are disposed of, their details are redacted."
        ),
    )
)
register(
    RetentionRule("mfa_device", "the account is disabled or the device replaced", 0, Action.DELETE)
)
register(RetentionRule("login_attempts", "the attempt", 1, Action.DELETE))
register(RetentionRule("task_results", "the task finishes", 7, Action.DELETE))
register(RetentionRule("scheduler_history", "the job runs", 90, Action.DELETE))
register(RetentionRule("failed_emails", "the worker gives up on the email", 90, Action.DELETE))
register(
    RetentionRule(
        "person",
        "your last contact with us (your first request, setting security questions, or a "
        "call), once no request, restriction, authorisation or disclosure about you remains",
        365 * 2,
        Action.DELETE,
        reason=(
            "The record of who you are is needed while anything we hold refers to you, and "
            "for as long as you may call us using your security questions; two years without "
            "contact and with nothing left that refers to you is enough."
        ),
    )
)
register(
    RetentionRule(
        "legal_hold",
        "the hold is released",
        365 * 6,
        Action.ANONYMISE,
        reason=(
            "The fact that records were held, and for how long, stays on record; the reasons "
            "and the staff involved are removed."
        ),
    )
)
register(
    RetentionRule(
        "retention_records",
        "the record is made",
        0,
        Action.KEEP,
        reason=(
            "Destruction receipts and changes to retention periods are the evidence that "
            "records were disposed of lawfully. They name no one whose records were disposed of."
        ),
    )
)
