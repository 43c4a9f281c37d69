"""The case review part of P04 (strict protection and retention of case records), checked
against the live database by ``manage.py check_promises``; P05 (a sharing decision for each
time a case's information went elsewhere) is the workspaces layer's check over every kind.
Evidence is counts only."""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q

from safeguarding.casereviews.models import KIND, CaseReview, CaseSubject
from safeguarding.core import crypto
from safeguarding.core.encrypted_fields import Sealed
from safeguarding.core.promises import Outcome, promise
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import declaration_for
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.workspaces.models import Membership, ReadLog

IDENTIFYING = ("full_name", "other_names", "date_of_birth", "address", "school", "nhs_number")


def reads_without_membership() -> int:
    """Reads of a case's records by someone who had no membership of it at that moment."""
    member_then = Membership.objects.filter(
        workspace=OuterRef("workspace"),
        user=OuterRef("user"),
        granted_at__lte=OuterRef("occurred_at"),
    ).filter(Q(revoked_at__isnull=True) | Q(revoked_at__gte=OuterRef("occurred_at")))
    return (
        ReadLog.objects.filter(workspace__kind=KIND, target_type__startswith="casereviews.")
        .exclude(Exists(member_then))
        .count()
    )


def identities_not_sealed() -> int:
    """Identifying values on the key lists stored as anything but a token of the keyring."""
    ring = crypto.keyring()
    bad = 0
    for row in CaseSubject.objects.values_list(*IDENTIFYING):
        for value in row:
            if value is None:
                continue
            if not isinstance(value, Sealed) or crypto.key_id_of(value.token) not in ring.keys:
                bad += 1
    return bad


def models_without_retention() -> list[str]:
    missing = []
    for model in apps.get_app_config("casereviews").get_models():
        declaration = declaration_for(model)
        if declaration is None or retention_rules.get(declaration.retention or "") is None:
            missing.append(model._meta.label)
    return missing


def cases_never_held() -> int:
    """Cases that were not put under the inquiry hold (a hold released later, by two people,
    is a decision on record, not a gap)."""
    held = LegalHold.objects.filter(content_type=ContentType.objects.get_for_model(CaseReview))
    held_ids = {int(object_id) for object_id in held.values_list("object_id", flat=True)}
    return CaseReview.objects.exclude(pk__in=held_ids).count()


@promise("P04")
def case_records_need_to_know_encrypted_and_kept() -> tuple[Outcome, str]:
    cases = CaseReview.objects.count()
    not_members = reads_without_membership()
    not_sealed = identities_not_sealed()
    no_rule = models_without_retention()
    unheld = cases_never_held()
    wrong_kind = CaseReview.objects.exclude(workspace__kind=KIND).count()
    if not_members or not_sealed or no_rule or unheld or wrong_kind:
        return Outcome.FAIL, (
            f"case reviews: {not_members} read(s) by someone without a membership; "
            f"{not_sealed} identifying value(s) not encrypted; record types without a "
            f"retention rule: {', '.join(no_rule) or 'none'}; {unheld} case(s) not under the "
            f"inquiry hold; {wrong_kind} case(s) outside a case review workspace"
        )
    return Outcome.PASS, (
        f"case reviews: {cases} case(s), each in its own workspace and put under the inquiry hold; "
        f"every read by a member at the time; every identity on the key lists encrypted; "
        f"every case record type has a retention rule"
    )
