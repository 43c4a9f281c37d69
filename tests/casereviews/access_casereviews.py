"""Access table entries for the case review pages (see tests/access.py).

Any member of staff may see the dashboard (it lists only the cases they are a member of);
only a review officer may open a case. Every page of a case answers 404 to every persona
here, administrators included, because none of them is a member of the case: no role opens
a case. Members, reviewers and leads are tried in test_staff_pages.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.casereviews import services
from tests.access import Access, only
from tests.factories import UserFactory

NOT_A_MEMBER = dict.fromkeys(ALL_ROLES, 404)
FIGURES = only(Role.REVIEW_OFFICER, Role.PARTNERSHIP_ADMINISTRATOR)


def a_case() -> Any:
    officer = UserFactory(roles=[str(Role.REVIEW_OFFICER)])
    return services.case_open(reference=f"CR {officer.pk}", summary="Invented", actor=officer)


def _case(**extra: Any) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        return {"pk": a_case().pk, **extra}

    return make


def _subject() -> dict[str, Any]:
    case = a_case()
    subject = services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={"role": "child", "full_name": "Invented Name"},
        actor=case.opened_by,
    )
    return {"pk": case.pk, "item": subject.pk}


def _record() -> dict[str, Any]:
    case = a_case()
    record = services.record_add(
        case=case, kind="recommendations", fields={"text": "Invented"}, actor=case.opened_by
    )
    return {"pk": case.pk, "kind": "recommendations", "item": record.pk}


CASE_PAGES = (
    "staff_case",
    "staff_close",
    "staff_notification",
    "staff_rapid_review_start",
    "staff_rapid_review",
    "staff_rapid_review_decision",
    "staff_practice_review_start",
    "staff_practice_review",
    "staff_subject_add",
    "staff_publication",
    "staff_publication_check",
    "staff_publish",
    "staff_not_published",
)

ACCESS: dict[str, Access] = {
    "casereviews:staff_home": Access(),
    "casereviews:staff_open": Access(roles=only(Role.REVIEW_OFFICER)),
    "casereviews:staff_figures": Access(roles=FIGURES),
    "casereviews:staff_figures_csv": Access(roles=FIGURES),
    **{
        f"casereviews:{name}": Access(roles=NOT_A_MEMBER, make_kwargs=_case())
        for name in CASE_PAGES
    },
    "casereviews:staff_subject_edit": Access(roles=NOT_A_MEMBER, make_kwargs=_subject),
    "casereviews:staff_records": Access(roles=NOT_A_MEMBER, make_kwargs=_case(kind="chronology")),
    "casereviews:staff_record_add": Access(roles=NOT_A_MEMBER, make_kwargs=_case(kind="meetings")),
    "casereviews:staff_record_edit": Access(roles=NOT_A_MEMBER, make_kwargs=_record),
    # Whether or not the case has such a hit, a non-member learns nothing: 404 either way.
    "casereviews:staff_publication_accept": Access(roles=NOT_A_MEMBER, make_kwargs=_case(item=1)),
}
