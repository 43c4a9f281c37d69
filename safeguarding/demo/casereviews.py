"""Invented case reviews for the demo, one at each stage. Every case, child, family member,
agency note and date here is made up, and says so: references end "(invented)" and every
name "(invented)". The demo review officer leads them all; the demo panel member is a member
of the first two and not the others, so the demo shows both what a member sees and the 404
everyone else gets."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.casereviews import services
from safeguarding.casereviews.models import CaseReview
from safeguarding.core.working_days import working_days_before
from safeguarding.workspaces import services as workspace_services
from safeguarding.workspaces.models import MembershipRole

INVENTED = "(invented)"


def _reference(number: int) -> str:
    return f"Demo {number} {INVENTED}"


def _child(case: CaseReview, officer: User, born: date, name: str) -> None:
    services.subject_add(
        case=case,
        pseudonym="Child A",
        fields={
            "role": "child",
            "full_name": f"{name} {INVENTED}",
            "date_of_birth": born,
            "address": f"1 Invented Street {INVENTED}, Nowhereton",
            "school": f"Nowhereton Primary {INVENTED}",
        },
        actor=officer,
    )
    services.subject_add(
        case=case,
        pseudonym="Mother",
        fields={"role": "parent", "full_name": f"Parent of {name} {INVENTED}"},
        actor=officer,
    )


def _notified(case: CaseReview, officer: User, aware_on: date, notified_on: date | None) -> None:
    services.notification_record(
        case=case,
        fields={
            "outcome": "serious_harm",
            "aware_on": aware_on,
            "notified_on": notified_on,
            "looked_after": False,
            "agencies": "Children's services\nPolice\nHealth visiting\nSchool",
            "circumstances": f"Invented for the demo: nothing here happened. {INVENTED}",
        },
        actor=officer,
    )


def _chronology(case: CaseReview, officer: User, today: date, entries: int) -> None:
    agencies = ("Health visiting", "School", "Police", "Children's services", "GP")
    for n in range(entries):
        services.record_add(
            case=case,
            kind="chronology",
            fields={
                "occurred_on": today - timedelta(days=400 - n * 7),
                "agency": agencies[n % len(agencies)],
                "event": f"Invented event {n + 1} for the demo {INVENTED}",
                "source": f"{agencies[n % len(agencies)]} records {INVENTED}",
            },
            actor=officer,
        )


def seed_casereviews_demo(*, officer: User, panel: User) -> int:
    """Open the invented cases that do not exist yet; returns how many were opened."""
    today = timezone.localdate()
    opened = 0
    stages = (_notification_stage, _rapid_review_stage, _practice_review_stage, _closed_stage)
    for number, build in enumerate(stages, start=1):
        reference = _reference(number)
        if CaseReview.objects.filter(reference=reference).exists():
            continue
        case = services.case_open(
            reference=reference, summary=f"Invented for the demo {INVENTED}", actor=officer
        )
        if number <= 2:
            workspace_services.membership_grant(
                workspace=case.workspace,
                user=panel,
                role=MembershipRole.MEMBER,
                reason="Invented: panel member for the demo",
                actor=officer,
            )
        build(case, officer, today)
        opened += 1
    return opened


def _notification_stage(case: CaseReview, officer: User, today: date) -> None:
    _child(case, officer, date(today.year - 3, 2, 14), "Alex Example")
    _notified(case, officer, working_days_before(today, 3), None)


def _rapid_review_stage(case: CaseReview, officer: User, today: date) -> None:
    _child(case, officer, date(today.year - 9, 6, 1), "Sam Sample")
    aware = working_days_before(today, 12)
    _notified(case, officer, aware, working_days_before(today, 10))
    services.rapid_review_start(case=case, started_on=working_days_before(today, 9), actor=officer)
    for agency in ("Police", "School"):
        services.record_add(
            case=case,
            kind="information-requests",
            fields={
                "agency": agency,
                "request": f"Invented: an individual agency summary {INVENTED}",
                "asked_on": working_days_before(today, 9),
                "due_on": working_days_before(today, 1),
            },
            actor=officer,
        )
    _chronology(case, officer, today, 12)


def _practice_review_stage(case: CaseReview, officer: User, today: date) -> None:
    _child(case, officer, date(today.year - 6, 9, 30), "Jo Placeholder")
    start = today - timedelta(days=120)
    _notified(case, officer, start, start + timedelta(days=2))
    services.rapid_review_start(case=case, started_on=start + timedelta(days=3), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision="local_review",
        reasons=f"Invented: learning for the partnership {INVENTED}",
        decided_on=start + timedelta(days=18),
        actor=officer,
    )
    services.rapid_review_update(
        case=case, fields={"sent_to_panel_on": start + timedelta(days=20)}, actor=officer
    )
    services.practice_review_start(
        case=case, kind="lcspr", decided_on=start + timedelta(days=30), actor=officer
    )
    services.practice_review_update(
        case=case,
        fields={
            "reviewer_name": f"A. Reviewer {INVENTED}",
            "reviewer_appointed_on": today - timedelta(days=60),
        },
        actor=officer,
    )
    services.record_add(
        case=case,
        kind="actions",
        fields={
            "description": f"Invented: refresh the multi-agency training {INVENTED}",
            "owner": "Children's services",
            "due_on": today - timedelta(days=5),
        },
        actor=officer,
    )
    _chronology(case, officer, today, 20)


def _closed_stage(case: CaseReview, officer: User, today: date) -> None:
    _child(case, officer, date(today.year - 12, 1, 3), "Kim Madeup")
    start = today - timedelta(days=200)
    _notified(case, officer, start, start + timedelta(days=1))
    services.rapid_review_start(case=case, started_on=start + timedelta(days=2), actor=officer)
    services.rapid_review_decide(
        case=case,
        decision="no_further_review",
        reasons=f"Invented: the learning is already in hand {INVENTED}",
        decided_on=start + timedelta(days=15),
        actor=officer,
    )
    services.case_close(case=case, reason="Invented: no further review", actor=officer)
