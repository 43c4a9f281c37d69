"""The child death review part of P04 (strict protection and retention of the records the
partnership holds about children who died, their families and the professionals who knew
them), checked against the live database by ``manage.py check_promises``. Evidence is counts
only. (P05, sharing decisions, is checked for every kind of workspace by
``workspaces.promises``.)"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Model

from safeguarding.cdop.models import (
    KIND,
    ChildDeath,
    FamilyKeyWorker,
    FamilyMember,
    FamilyQuestion,
    Notification,
    ReportingForm,
)
from safeguarding.core.promises import Outcome, promise
from safeguarding.privacy.retention.selectors import never_held
from safeguarding.workspaces import promises as workspace_checks

# What identifies the child, the family, the notifier and the professionals, or says what
# happened: each must be stored as a token of the keyring, never in clear.
SEALED: tuple[tuple[type[Model], tuple[str, ...]], ...] = (
    (
        ChildDeath,
        (
            "child_name",
            "date_of_birth",
            "nhs_number",
            "home_address",
            "place_of_death",
            "circumstances",
        ),
    ),
    (Notification, ("details", "notifier_name", "notifier_email", "notifier_phone")),
    (ReportingForm, ("professional_name", "professional_email", "answers")),
    (FamilyKeyWorker, ("name", "contact")),
    (FamilyMember, ("name", "phone", "email", "address", "notes")),
    (FamilyQuestion, ("question", "answer")),
)


def reads_without_membership() -> int:
    return workspace_checks.reads_without_membership(KIND, "cdop")


def values_in_clear() -> int:
    return workspace_checks.values_in_clear(SEALED)


def models_without_retention() -> list[str]:
    return workspace_checks.models_without_retention("cdop")


def cases_never_held() -> int:
    """Reviews never put under the legal hold while holding by default is on."""
    return never_held(ChildDeath) if settings.CDOP_LEGAL_HOLD_BY_DEFAULT else 0


@promise("P04")
def child_death_records_need_to_know_encrypted_and_kept() -> tuple[Outcome, str]:
    cases = ChildDeath.objects.count()
    not_members = reads_without_membership()
    in_clear = values_in_clear()
    no_rule = models_without_retention()
    unheld = cases_never_held()
    wrong_kind = ChildDeath.objects.exclude(workspace__kind=KIND).count()
    if not_members or in_clear or no_rule or unheld or wrong_kind:
        return Outcome.FAIL, (
            f"child death reviews: {not_members} read(s) by someone without a membership; "
            f"{in_clear} identifying or free-text value(s) not encrypted; record types without "
            f"a retention rule: {', '.join(no_rule) or 'none'}; {unheld} review(s) not under "
            f"the legal hold; {wrong_kind} review(s) outside a child death review workspace"
        )
    held = " and put under the legal hold" if settings.CDOP_LEGAL_HOLD_BY_DEFAULT else ""
    return Outcome.PASS, (
        f"child death reviews: {cases} review(s), each in its own workspace{held}; every "
        "read by a member at the time; the child's, the family's and the professionals' "
        "details encrypted; every record type has a retention rule"
    )
