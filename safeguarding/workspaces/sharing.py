"""Information-sharing decisions (P05): one record for every decision to share, or not to
share, information about a child or family, whatever the review.

It follows the government's advice (Information sharing advice for safeguarding
practitioners, 2024): record the decision and the reasons for it whether or not you share;
if you share, what, with whom and for what purpose. You do not need consent to share to
protect a child, and a lack of consent "should never be used as an excuse for not sharing":
so sharing without consent is never refused here. It asks instead for the reasons and for
the manager who authorised it (the team manager's authorisation in local policies).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.workspaces.kinds import sharing_events_of
from safeguarding.workspaces.models import (
    LawfulBasis,
    MembershipRole,
    SharingDecision,
    SharingThirdParty,
    SpecialCondition,
    Workspace,
)
from safeguarding.workspaces.selectors import log_reads, require_role, restricted_for_user
from safeguarding.workspaces.sharing_events import SharingEvent, unanswered

if TYPE_CHECKING:
    from safeguarding.accounts.models import User
    from safeguarding.workspaces.selectors import Person

WITHOUT_CONSENT_RATIONALE = "Enter why the information is being shared without consent"
WITHOUT_CONSENT_AUTHORISER = "Select the manager who authorised sharing without consent"


@dataclass(frozen=True)
class ThirdParty:
    """Someone other than the child named in the decision."""

    description: str
    harm_if_disclosed: bool = False
    harm_reason: str = ""


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value else ""


def sharing_problems(
    *,
    shared: bool | None,
    information: str,
    recipient_organisation: str,
    purpose: str,
    means: str,
    lawful_basis: str,
    special_category: bool,
    special_condition: str,
    consent_sought: bool | None,
    consent_given: bool | None,
    consent_not_sought_reason: str,
    rationale: str,
    authorised_by: User | None,
    decided_by: User | None,
    decided_at: datetime | None,
) -> dict[str, str]:
    """What is missing or wrong, field by field, in plain words (empty when nothing is).

    The service and ``SharingDecisionForm`` both use it, so the rules are the same wherever a
    decision is recorded. There is no rule that refuses sharing for want of consent.
    """
    problems: dict[str, str] = {}
    if shared is None:
        problems["shared"] = "Select whether the information was shared"
    if not _text(information):
        problems["information"] = (
            "Enter what information was shared"
            if shared
            else "Enter what information was asked for or considered"
        )
    if not _text(recipient_organisation):
        problems["recipient_organisation"] = (
            "Enter the organisation the information was shared with"
            if shared
            else "Enter the organisation that asked for the information"
        )
    elif len(_text(recipient_organisation)) > 200:
        problems["recipient_organisation"] = "The organisation must be 200 characters or fewer"
    if not _text(purpose):
        problems["purpose"] = "Enter what the information is for"
    if shared and not _text(means):
        problems["means"] = "Enter how the information was shared, for example secure email"
    elif len(_text(means)) > 200:
        problems["means"] = "How it was shared must be 200 characters or fewer"
    if lawful_basis not in LawfulBasis.values:
        problems["lawful_basis"] = "Select the lawful basis for the decision"
    if special_category and special_condition not in SpecialCondition.values:
        problems["special_condition"] = (
            "Select the condition for sharing special category information"
        )
    if consent_sought is None:
        problems["consent_sought"] = "Select whether consent was sought"
    elif consent_sought and consent_given is None:
        problems["consent_given"] = "Select whether consent was given"
    elif not consent_sought and not _text(consent_not_sought_reason):
        problems["consent_not_sought_reason"] = "Enter why consent was not sought"
    without_consent = bool(shared) and not (consent_sought and consent_given)
    if not _text(rationale):
        problems["rationale"] = (
            WITHOUT_CONSENT_RATIONALE if without_consent else "Enter the reasons for the decision"
        )
    if without_consent:
        if authorised_by is None:
            problems["authorised_by"] = WITHOUT_CONSENT_AUTHORISER
        elif decided_by is not None and authorised_by.pk == decided_by.pk:
            problems["authorised_by"] = (
                "Sharing without consent must be authorised by a manager other than the "
                "person who decided"
            )
        elif not authorised_by.is_active:
            problems["authorised_by"] = "The manager's account is disabled: select another"
    if decided_at is not None and decided_at > timezone.now():
        problems["decided_at"] = "The date of the decision must be today or in the past"
    return problems


def decisions_in(workspace: Workspace, *, user: Person) -> models.QuerySet[SharingDecision]:
    """A workspace's sharing decisions for a member (Http404 for anyone else), newest first,
    with the people they name: list them with ``log_reads(user, decisions, purpose=...)``."""
    require_role(user, workspace)
    return (
        SharingDecision.objects.filter(workspace=workspace)
        .select_related("decided_by", "authorised_by")
        .prefetch_related("third_parties")
        .order_by("-decided_at", "-id")
    )


def events_on_record(
    workspace: Workspace, *, user: Person, purpose: str
) -> list[tuple[SharingEvent, bool]]:
    """Each time the workspace's information went to another organisation, with whether it
    still lacks a sharing decision; reading the decisions is logged with ``purpose``."""
    events = sharing_events_of(workspace)
    if not events:
        return []
    decisions = list(
        restricted_for_user(SharingDecision.objects.filter(workspace=workspace), user=user)
    )
    if decisions:
        log_reads(user, decisions, purpose=purpose)
    missing = unanswered(events, decisions)
    return [(event, event in missing) for event in sorted(events, key=lambda e: (e.on, e.key))]


@transaction.atomic(durable=True)
def sharing_decision_record(
    *,
    workspace: Workspace,
    shared: bool,
    information: str,
    recipient_organisation: str,
    purpose: str,
    lawful_basis: str,
    consent_sought: bool,
    rationale: str,
    actor: User,
    recipient_person: str = "",
    means: str = "",
    special_category: bool = False,
    special_condition: str = "",
    consent_given: bool | None = None,
    consent_not_sought_reason: str = "",
    authorised_by: User | None = None,
    decided_at: datetime | None = None,
    third_parties: Sequence[ThirdParty] = (),
    answers: str = "",
) -> SharingDecision:
    """Record one decision, by a lead or member of the workspace who made it.

    ValidationError (a dict of field to message) when something is missing; never because
    consent was not sought or was refused: then the reasons and the authorising manager are
    what is needed. ``answers`` is the key of the sharing event the decision is for (one of
    ``sharing_events_of(workspace)``), or empty.
    """
    require_role(actor, workspace, MembershipRole.LEAD, MembershipRole.MEMBER)
    problems = sharing_problems(
        shared=shared,
        information=information,
        recipient_organisation=recipient_organisation,
        purpose=purpose,
        means=means,
        lawful_basis=lawful_basis,
        special_category=special_category,
        special_condition=special_condition,
        consent_sought=consent_sought,
        consent_given=consent_given,
        consent_not_sought_reason=consent_not_sought_reason,
        rationale=rationale,
        authorised_by=authorised_by,
        decided_by=actor,
        decided_at=decided_at,
    )
    for index, party in enumerate(third_parties):
        if not _text(party.description):
            problems[f"third_parties.{index}"] = "Enter who the other person is"
        elif party.harm_if_disclosed and not _text(party.harm_reason):
            problems[f"third_parties.{index}"] = (
                "Enter why this person might be harmed if their details were disclosed"
            )
    if answers and answers not in {event.key for event in sharing_events_of(workspace)}:
        problems["answers"] = "This case has no such sharing to record a decision for"
    if problems:
        raise ValidationError(problems)
    without_consent = shared and not (consent_sought and consent_given)
    decision = SharingDecision(
        workspace=workspace,
        shared=shared,
        information=information.strip(),
        recipient_organisation=_text(recipient_organisation),
        answers=answers,
        recipient_person=recipient_person.strip(),
        purpose=purpose.strip(),
        means=_text(means),
        lawful_basis=lawful_basis,
        special_category=special_category,
        special_condition=special_condition if special_category else "",
        consent_sought=consent_sought,
        consent_given=consent_given if consent_sought else None,
        consent_not_sought_reason="" if consent_sought else consent_not_sought_reason.strip(),
        rationale=rationale.strip(),
        decided_by=actor,
        decided_at=decided_at or timezone.now(),
        authorised_by=authorised_by if without_consent else None,
    )
    decision.save()
    for party in third_parties:
        SharingThirdParty.objects.create(
            decision=decision,
            description=party.description.strip(),
            harm_if_disclosed=party.harm_if_disclosed,
            harm_reason=party.harm_reason.strip() if party.harm_if_disclosed else "",
        )
    audit_log(
        action="workspaces.sharing_decision.recorded",
        actor=actor,
        target=decision,
        details={
            "workspace": workspace.pk,
            "shared": shared,
            "answers": answers,
            "lawful_basis": lawful_basis,
            "special_category": special_category,
            "consent_sought": consent_sought,
            "consent_given": decision.consent_given,
            "without_consent": without_consent,
            "authorised_by": decision.authorised_by_id,
            "third_parties": len(third_parties),
            "harm_if_disclosed": sum(p.harm_if_disclosed for p in third_parties),
        },
    )
    return decision
