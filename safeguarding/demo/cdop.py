"""Invented child death reviews for the demo, one at each stage the secretariat's pages show,
and one online notification waiting. Every child, family member, notifier and date here is
made up, and says so: every name ends "(invented)". The demo CDOP coordinator leads them all;
no other demo account is a member, so everyone else gets the 404 an outsider gets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.cdop import services
from safeguarding.cdop.models import ChildDeath, FormKind, Notification, PanelMeeting
from safeguarding.cdop.registration import NCMD
from safeguarding.cdop.reporting import Professional, reporting_form_request
from safeguarding.cdop.scope import BirthOutcome
from safeguarding.cdop.services import (
    AnalysisInput,
    ChildDetails,
    DomainFinding,
    FamilyContact,
    Notifier,
)
from safeguarding.core.crypto import lookup_hash
from safeguarding.workspaces.sharing import sharing_decision_record

INVENTED = "(invented)"
NOTIFIER = Notifier(
    name=f"Dr A. Notifier {INVENTED}",
    role="Consultant paediatrician",
    organisation=f"Nowhereton Hospital {INVENTED}",
    email="notifier@example.invalid",
)


def _child(name: str, *, died_days_ago: int, age_days: int, unexpected: bool) -> ChildDetails:
    died = timezone.localdate() - timedelta(days=died_days_ago)
    return ChildDetails(
        name=f"{name} {INVENTED}",
        date_of_birth=died - timedelta(days=age_days),
        date_of_death=died,
        birth_outcome=BirthOutcome.LIVE_BIRTH,
        unexpected=unexpected,
        resident_in_area=True,
        died_in_area=True,
        sex="Not recorded",
        home_address=f"1 Invented Street {INVENTED}, Nowhereton",
        gp_practice=f"Nowhereton Surgery {INVENTED}",
        place_of_death=f"Nowhereton Hospital {INVENTED}",
        circumstances=f"Invented for the demo: nothing here happened. {INVENTED}",
    )


def _days(case: ChildDeath, after_death: int) -> date:
    return min(case.date_of_death + timedelta(days=after_death), timezone.localdate())


def _jar(case: ChildDeath, lead: User) -> None:
    services.jar_record(
        case=case,
        started_on=_days(case, 1),
        agencies=["police", "health", "social_care"],
        notes=f"Invented: home visit the next day {INVENTED}",
        actor=lead,
    )


def _forms(case: ChildDeath, lead: User) -> None:
    """Reporting forms asked of two invented professionals (their emails go to the demo
    outbox, at a domain that can never be delivered)."""
    for name, agency, kind in (
        ("Dr Gee Pee", "Nowhereton Surgery", FormKind.REPORTING),
        ("Sam Teacher", "Nowhereton Primary School", FormKind.REPORTING),
        ("Dr Gee Pee", "Nowhereton Surgery", FormKind.SUDI),
    ):
        reporting_form_request(
            case=case,
            kind=kind,
            professional=Professional(
                name=f"{name} {INVENTED}",
                agency=f"{agency} {INVENTED}",
                email=f"{name.split()[-1].lower()}@example.invalid",
            ),
            actor=lead,
        )


def _meeting(case: ChildDeath, lead: User) -> None:
    services.review_meeting_record(case=case, held_on=_days(case, 80), actor=lead)


def _ready(case: ChildDeath, lead: User) -> None:
    _meeting(case, lead)
    services.case_mark_ready(case=case, actor=lead)


NO_FACTORS = DomainFinding(contribution="1")


def _reviewed(case: ChildDeath, lead: User) -> None:
    _ready(case, lead)
    services.analysis_save(
        case=case,
        data=AnalysisInput(
            category="6",
            summary=f"Invented: a chronic condition, well supported {INVENTED}",
            learning=f"Invented: share care plans with the school sooner {INVENTED}",
            domains={
                "child": DomainFinding("3", f"Invented: the child's condition {INVENTED}"),
                "parenting": NO_FACTORS,
                "environment": NO_FACTORS,
                "services": DomainFinding(
                    "2", f"Invented: a delayed referral {INVENTED}", modifiable=True
                ),
            },
        ),
        actor=lead,
        complete=True,
    )
    services.action_add(
        case=case,
        description=f"Invented: review the referral pathway {INVENTED}",
        owner="Nowhereton community health (invented)",
        due_on=timezone.localdate() + timedelta(days=60),
        actor=lead,
    )


def _closed(case: ChildDeath, lead: User) -> None:
    _reviewed(case, lead)
    services.case_close(case=case, actor=lead)
    services.ncmd_sent_record(case=case, sent_on=timezone.localdate(), actor=lead)


def _sent_to_ncmd(case: ChildDeath, lead: User, manager: User) -> None:
    """The decision to share the closed review with the national database, on record."""
    sharing_decision_record(
        workspace=case.workspace,
        shared=True,
        information="Case record sent to the NCMD",
        recipient_organisation=NCMD,
        purpose=f"Invented: the statutory national collection {INVENTED}",
        means="The national database's secure portal",
        lawful_basis="6(1)(e)",
        special_category=True,
        special_condition="9(2)(g) sch1 para18",
        consent_sought=False,
        consent_not_sought_reason=f"Invented: a statutory collection {INVENTED}",
        rationale=f"Invented: Children Act 2004 s16M {INVENTED}",
        authorised_by=manager,
        decided_at=timezone.now(),
        answers="ncmd",
        actor=lead,
    )


def _family(case: ChildDeath, lead: User) -> None:
    services.key_worker_set(
        case=case,
        name=f"Kay Worker {INVENTED}",
        role="Bereavement nurse",
        contact="01234 000000",
        actor=lead,
    )
    parent = services.family_member_add(
        case=case,
        contact=FamilyContact(
            name=f"Parent of the child {INVENTED}",
            relationship="Mother",
            contact_preference="key_worker",
            notes="Invented: prefers afternoon visits",
        ),
        actor=lead,
    )
    services.family_question_add(
        case=case,
        question=f"Invented: could the illness have been spotted sooner? {INVENTED}",
        asked_on=_days(case, 20),
        asked_by=parent,
        actor=lead,
    )


# name, days since the death, age at death in days, unexpected, what happened since
CASES: tuple[tuple[str, int, int, bool, Callable[[ChildDeath, User], None] | None], ...] = (
    ("Ali Example", 3, 200, True, None),
    ("Bo Sample", 12, 900, True, _jar),
    ("Hana Invented", 30, 150, True, _forms),
    ("Cam Placeholder", 95, 4000, False, _meeting),
    ("Dee Madeup", 130, 2500, True, _ready),
    ("Eli Fictional", 200, 6000, False, _reviewed),
    ("Fen Pretend", 260, 40, False, _closed),
)
WAITING = "Gus Unmatched"


def seed_cdop_demo(*, coordinator: User, manager: User) -> int:
    """Open the invented reviews that do not exist yet, and one online notification waiting;
    returns how many reviews were opened. ``manager`` authorises the closed review's sharing
    with the national database (it gives them no access to the review)."""
    opened = 0
    for name, died, age, unexpected, build in CASES:
        child = _child(name, died_days_ago=died, age_days=age, unexpected=unexpected)
        if ChildDeath.objects.filter(name_lookup=lookup_hash("name", child.name)).exists():
            continue
        case = services.notify_death(child=child, notifier=NOTIFIER, actor=coordinator).case
        if build is not None:
            build(case, coordinator)
        if build is _closed:
            _sent_to_ncmd(case, coordinator, manager)
        if build in (_ready, _reviewed):
            _family(case, coordinator)
        opened += 1
    location = f"Nowhereton Hall, Room 1 {INVENTED}"
    if not PanelMeeting.objects.filter(location=location).exists():
        meeting = services.meeting_create(
            held_on=timezone.localdate() + timedelta(days=14), location=location, actor=coordinator
        )
        services.meeting_build_agenda(meeting=meeting, actor=coordinator)
    waiting = _child(WAITING, died_days_ago=1, age_days=3000, unexpected=True)
    if not Notification.objects.filter(name_lookup=lookup_hash("name", waiting.name)).exists():
        services.notify_death_online(child=waiting, notifier=NOTIFIER)
    return opened
