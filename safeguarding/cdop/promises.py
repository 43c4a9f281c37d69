"""The child death review part of P04 (strict protection and retention of the records the
partnership holds about children who died, their families and the professionals who knew
them), checked against the live database by ``manage.py check_promises``. Evidence is counts
only. (P05, sharing decisions, is checked for every kind of workspace by
``workspaces.promises``.)"""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, Model, OuterRef, Q

from safeguarding.cdop.models import (
    KIND,
    ChildDeath,
    FamilyKeyWorker,
    FamilyMember,
    FamilyQuestion,
    Notification,
    ReportingForm,
)
from safeguarding.core import crypto
from safeguarding.core.encrypted_fields import Sealed
from safeguarding.core.promises import Outcome, promise
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import declaration_for
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.workspaces.models import Membership, ReadLog

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
    """Reads of a review's records by someone with no membership of it at that moment."""
    member_then = Membership.objects.filter(
        workspace=OuterRef("workspace"),
        user=OuterRef("user"),
        granted_at__lte=OuterRef("occurred_at"),
    ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=OuterRef("occurred_at")))
    return (
        ReadLog.objects.filter(workspace__kind=KIND, target_type__startswith="cdop.")
        .exclude(Exists(member_then))
        .count()
    )


def values_in_clear() -> int:
    """Identifying or free-text values stored as anything but a token of the keyring."""
    keys = crypto.keyring().keys
    bad = 0
    for model, fields in SEALED:
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value is None:
                    continue
                if not isinstance(value, Sealed) or crypto.key_id_of(value.token) not in keys:
                    bad += 1
    return bad


def models_without_retention() -> list[str]:
    missing = []
    for model in apps.get_app_config("cdop").get_models():
        declaration = declaration_for(model)
        if declaration is None or retention_rules.get(declaration.retention or "") is None:
            missing.append(model._meta.label)
    return missing


def cases_never_held() -> int:
    """Reviews never put under the partnership's legal hold while holding by default is on (a
    hold released later, by two people, is a decision on record, not a gap)."""
    if not settings.CDOP_LEGAL_HOLD_BY_DEFAULT:
        return 0
    held = LegalHold.objects.filter(content_type=ContentType.objects.get_for_model(ChildDeath))
    held_ids = {int(object_id) for object_id in held.values_list("object_id", flat=True)}
    return ChildDeath.objects.exclude(pk__in=held_ids).count()


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
