"""The case review part of P04 (strict protection and retention of case records), checked
against the live database by ``manage.py check_promises``; P05 (a sharing decision for each
time a case's information went elsewhere) is the workspaces layer's check over every kind.
Evidence is counts only."""

from __future__ import annotations

from safeguarding.casereviews.models import KIND, CaseReview, CaseSubject
from safeguarding.core.promises import Outcome, promise
from safeguarding.privacy.retention.selectors import never_held
from safeguarding.workspaces import promises as workspace_checks

IDENTIFYING = ("full_name", "other_names", "date_of_birth", "address", "school", "nhs_number")


def reads_without_membership() -> int:
    return workspace_checks.reads_without_membership(KIND, "casereviews")


def identities_not_sealed() -> int:
    """Identifying values on the key lists stored as anything but a token of the keyring."""
    return workspace_checks.values_in_clear([(CaseSubject, IDENTIFYING)])


def models_without_retention() -> list[str]:
    return workspace_checks.models_without_retention("casereviews")


def cases_never_held() -> int:
    """Cases that were not put under the inquiry hold."""
    return never_held(CaseReview)


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
