"""Information-sharing decisions (P05): recorded whether or not information was shared;
sharing without consent is never refused, it needs the reasons and an authorising manager."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.workspaces.forms import SharingDecisionForm
from safeguarding.workspaces.models import (
    LawfulBasis,
    MembershipRole,
    SharingDecision,
    SpecialCondition,
    Workspace,
)
from safeguarding.workspaces.sharing import ThirdParty, sharing_decision_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(make_user: Callable[..., User], grant: Callable[..., object]) -> User:
    user = make_user()
    grant(user, MembershipRole.MEMBER)
    return user


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user()


def _record(workspace: Workspace, actor: User, **changes: Any) -> SharingDecision:
    arguments: dict[str, Any] = {
        "shared": True,
        "information": "Attendance record and the school's welfare concerns",
        "recipient_organisation": "Northshire Children's Services",
        "purpose": "To inform the strategy discussion",
        "means": "Secure email",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "consent_sought": True,
        "consent_given": True,
        "rationale": "Needed for the strategy discussion; the parent agreed.",
    }
    arguments.update(changes)
    return sharing_decision_record(workspace=workspace, actor=actor, **arguments)


def _problems(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


def test_sharing_with_consent_is_recorded_encrypted_and_audited(
    workspace: Workspace, member: User
) -> None:
    decision = _record(workspace, member, recipient_person="A. Social Worker, team manager")
    fresh = SharingDecision.objects.get(pk=decision.pk)
    assert fresh.information == "Attendance record and the school's welfare concerns"
    assert (fresh.decided_by, fresh.authorised_by, fresh.without_consent) == (member, None, False)
    (token,) = SharingDecision.objects.values_list("information", flat=True)
    assert "Attendance" not in token.token
    entry = AuditEntry.objects.get(action="workspaces.sharing_decision.recorded")
    assert entry.details["without_consent"] is False
    assert "Attendance" not in str(entry.details)


@pytest.mark.parametrize(
    "consent",
    [
        {"consent_sought": True, "consent_given": False},
        {
            "consent_sought": False,
            "consent_not_sought_reason": "Asking would put the child at risk",
        },
    ],
)
def test_sharing_without_consent_needs_reasons_and_an_authorising_manager(
    workspace: Workspace, member: User, manager: User, consent: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as error:
        _record(workspace, member, rationale="", **consent)
    assert _problems(error) == {
        "rationale": ["Enter why the information is being shared without consent"],
        "authorised_by": ["Select the manager who authorised sharing without consent"],
    }
    with pytest.raises(ValidationError, match="other than the person who decided"):
        _record(workspace, member, authorised_by=member, **consent)
    assert not SharingDecision.objects.exists()

    decision = _record(
        workspace,
        member,
        rationale="Risk of significant harm: the child disclosed injuries.",
        authorised_by=manager,
        **consent,
    )

    assert decision.without_consent
    assert decision.authorised_by == manager
    entry = AuditEntry.objects.get(action="workspaces.sharing_decision.recorded")
    assert entry.details["without_consent"] is True
    assert entry.details["authorised_by"] == manager.pk


def test_a_decision_not_to_share_is_recorded_with_its_reasons(
    workspace: Workspace, member: User
) -> None:
    with pytest.raises(ValidationError) as error:
        _record(workspace, member, shared=False, consent_sought=False, rationale="", means="")
    assert _problems(error) == {
        "consent_not_sought_reason": ["Enter why consent was not sought"],
        "rationale": ["Enter the reasons for the decision"],
    }
    decision = _record(
        workspace,
        member,
        shared=False,
        means="",
        consent_sought=False,
        consent_not_sought_reason="The request was not about a child at risk",
        rationale="Not necessary or proportionate for the stated purpose.",
    )
    assert not decision.shared
    assert decision.authorised_by is None


def test_what_with_whom_why_and_the_lawful_basis_are_required(
    workspace: Workspace, member: User
) -> None:
    with pytest.raises(ValidationError) as error:
        _record(
            workspace,
            member,
            information=" ",
            recipient_organisation="",
            purpose="",
            means="",
            lawful_basis="6(1)(a)",
            special_category=True,
            consent_given=None,
        )
    assert set(_problems(error)) == {
        "information",
        "recipient_organisation",
        "purpose",
        "means",
        "lawful_basis",
        "special_condition",
        "consent_given",
        "authorised_by",  # consent not known to be given, so treated as without consent
    }
    assert _problems(error)["special_condition"] == [
        "Select the condition for sharing special category information"
    ]


def test_special_category_sharing_names_schedule_1_paragraph_18(
    workspace: Workspace, member: User
) -> None:
    decision = _record(
        workspace,
        member,
        special_category=True,
        special_condition=SpecialCondition.SAFEGUARDING,
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
    )
    assert "Schedule 1 paragraph 18" in decision.get_special_condition_display()


def test_third_parties_can_be_marked_harm_if_disclosed(workspace: Workspace, member: User) -> None:
    with pytest.raises(ValidationError, match="might be harmed"):
        _record(workspace, member, third_parties=[ThirdParty("The neighbour", True)])
    decision = _record(
        workspace,
        member,
        third_parties=[
            ThirdParty("The neighbour who raised the concern", True, "Lives next to the father"),
            ThirdParty("The child's aunt"),
        ],
    )
    marked = {p.description: p.harm_if_disclosed for p in decision.third_parties.all()}
    assert marked == {"The neighbour who raised the concern": True, "The child's aunt": False}


def test_only_leads_and_members_record_decisions(
    workspace: Workspace, make_user: Callable[..., User], grant: Callable[..., object]
) -> None:
    reviewer = make_user()
    grant(reviewer, MembershipRole.REVIEWER)
    with pytest.raises(PermissionDenied):
        _record(workspace, reviewer)
    with pytest.raises(Http404):
        _record(workspace, make_user())


def test_the_database_refuses_unauthorised_sharing_without_consent(
    workspace: Workspace, member: User
) -> None:
    decision = _record(workspace, member)
    with pytest.raises(IntegrityError), transaction.atomic():
        SharingDecision.objects.filter(pk=decision.pk).update(consent_given=False)


def test_the_form_applies_the_same_rules(workspace: Workspace, member: User, manager: User) -> None:
    data = {
        "shared": "yes",
        "information": "School attendance",
        "recipient_organisation": "Police",
        "purpose": "Strategy discussion",
        "means": "Secure email",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "consent_sought": "no",
        "consent_not_sought_reason": "Would alert the alleged abuser",
    }
    authorisers = User.objects.filter(is_active=True)
    form = SharingDecisionForm(data=data, authorisers=authorisers, decided_by=member)
    assert not form.is_valid()
    assert form.errors == {
        "rationale": ["Enter why the information is being shared without consent"],
        "authorised_by": ["Select the manager who authorised sharing without consent"],
    }
    data |= {"rationale": "Immediate risk", "authorised_by": str(manager.pk)}
    form = SharingDecisionForm(data=data, authorisers=authorisers, decided_by=member)
    assert form.is_valid(), form.errors
    decision = sharing_decision_record(
        workspace=workspace, actor=member, **form.service_arguments()
    )
    assert decision.without_consent
    assert decision.consent_given is None


def test_an_access_export_for_the_decision_maker_withholds_what_was_shared(
    workspace: Workspace, member: User
) -> None:
    import io
    import json
    import zipfile

    from safeguarding.privacy.models.person import Person
    from safeguarding.privacy.rights.export import WITHHELD_RESTRICTED, build_export

    _record(workspace, member)
    person = Person.objects.create(email=member.email)

    with zipfile.ZipFile(io.BytesIO(build_export(person))) as archive:
        data = json.loads(archive.read("data.json"))

    (row,) = data["records"]["workspaces.SharingDecision"]["rows"]
    assert row["fields"]["information"]["value"] == WITHHELD_RESTRICTED
    assert row["fields"]["rationale"]["value"] == WITHHELD_RESTRICTED
    assert "Attendance" not in json.dumps(data)
