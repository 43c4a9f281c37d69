"""The panel's analysis: one of the ten categories, the factors in each domain with how far
they contributed, and modifiable factors only where they may have contributed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from safeguarding.accounts.models import User
from safeguarding.cdop import services
from safeguarding.cdop.models import Analysis, Category, ChildDeath, Domain, Stage
from safeguarding.cdop.services import AnalysisInput, DomainFinding, analysis_problems
from tests.cdop.conftest import days_ago

pytestmark = pytest.mark.django_db

DOMAINS = [d.value for d in Domain]


def all_domains(**overrides: DomainFinding) -> dict[str, DomainFinding]:
    found = {domain: DomainFinding("1") for domain in DOMAINS}
    found.update(overrides)
    return found


def ready(case: ChildDeath, actor: User) -> ChildDeath:
    services.review_meeting_record(case=case, held_on=days_ago(5), actor=actor)
    services.case_mark_ready(case=case, actor=actor)
    return case


def test_there_are_ten_categories_of_death() -> None:
    assert len(Category.choices) == 10
    assert Category.DELIBERATE.label == "Deliberately inflicted injury, abuse or neglect"


def test_factors_must_be_described_where_the_panel_found_some() -> None:
    problems = analysis_problems(
        AnalysisInput(domains={"child": DomainFinding("2", factors=" ")}), completing=False
    )
    assert problems == {"child_factors": "Describe the factors the panel identified"}


def test_only_factors_that_may_have_contributed_can_be_modifiable() -> None:
    for contribution in ("0", "1", "1*"):
        problems = analysis_problems(
            AnalysisInput(
                domains={"parenting": DomainFinding(contribution, "Invented", modifiable=True)}
            ),
            completing=False,
        )
        assert "parenting_modifiable" in problems
    for contribution in ("2", "3"):
        assert not analysis_problems(
            AnalysisInput(
                domains={"parenting": DomainFinding(contribution, "Invented", modifiable=True)}
            ),
            completing=False,
        )


def test_completing_needs_the_category_and_every_domain() -> None:
    problems = analysis_problems(
        AnalysisInput(domains={"child": DomainFinding("1")}), completing=True
    )
    assert problems["category"] == "Select the category of death"
    assert set(problems) == {
        "category",
        "parenting_contribution",
        "environment_contribution",
        "services_contribution",
    }


def test_modifiable_factors_need_the_learning() -> None:
    data = AnalysisInput(
        category="3", domains=all_domains(environment=DomainFinding("2", "Invented", True))
    )
    assert analysis_problems(data, completing=True) == {
        "learning": "Enter the learning: the panel found modifiable factors"
    }


def test_a_draft_is_saved_and_completed_later(case: ChildDeath, coordinator: User) -> None:
    services.analysis_save(
        case=case,
        data=AnalysisInput(category="3", summary="Invented summary"),
        actor=coordinator,
    )
    assert Analysis.objects.get(case=case).completed_at is None
    with pytest.raises(ValidationError, match="ready for the panel"):
        services.analysis_save(
            case=case,
            data=AnalysisInput(category="3", domains=all_domains()),
            actor=coordinator,
            complete=True,
        )
    ready(case, coordinator)

    analysis = services.analysis_save(
        case=case,
        data=AnalysisInput(
            category="3",
            learning="Invented learning",
            domains=all_domains(environment=DomainFinding("2", "Invented hazard", True)),
        ),
        actor=coordinator,
        complete=True,
    )

    assert analysis.modifiable_factors is True
    assert analysis.domains.count() == 4
    case.refresh_from_db()
    assert case.stage == Stage.PANEL_REVIEWED


def test_no_modifiable_factors_when_none_are_marked(case: ChildDeath, coordinator: User) -> None:
    ready(case, coordinator)
    analysis = services.analysis_save(
        case=case,
        data=AnalysisInput(
            category="6", domains=all_domains(child=DomainFinding("3", "Invented condition"))
        ),
        actor=coordinator,
        complete=True,
    )
    assert analysis.modifiable_factors is False


def test_a_completed_analysis_is_reopened_with_a_reason(
    case: ChildDeath, coordinator: User
) -> None:
    ready(case, coordinator)
    services.analysis_save(
        case=case,
        data=AnalysisInput(category="6", domains=all_domains()),
        actor=coordinator,
        complete=True,
    )
    with pytest.raises(ValidationError, match="reopen"):
        services.analysis_save(case=case, data=AnalysisInput(category="5"), actor=coordinator)

    services.analysis_reopen(case=case, reason="New information", actor=coordinator)

    case.refresh_from_db()
    assert case.stage == Stage.READY_FOR_PANEL
    assert Analysis.objects.get(case=case).modifiable_factors is None


def test_actions_need_an_analysis_and_an_owner(case: ChildDeath, coordinator: User) -> None:
    with pytest.raises(ValidationError, match="Start the analysis"):
        services.action_add(
            case=case, description="Invented", owner="Invented", due_on=None, actor=coordinator
        )
    services.analysis_save(case=case, data=AnalysisInput(category="3"), actor=coordinator)
    with pytest.raises(ValidationError):
        services.action_add(
            case=case, description="Invented", owner=" ", due_on=None, actor=coordinator
        )
    action = services.action_add(
        case=case,
        description="Invented action",
        owner="Invented Trust",
        due_on=days_ago(-30),
        actor=coordinator,
    )
    assert action.description == "Invented action"
