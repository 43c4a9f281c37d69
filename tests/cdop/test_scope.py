"""The scope rule: children who die before their 18th birthday; not stillbirths, late foetal
losses or lawful terminations; lived or died in the area. And the age bands."""

from __future__ import annotations

from datetime import date

import pytest

from safeguarding.cdop.models import AgeBand
from safeguarding.cdop.scope import (
    AGED_18,
    DEATH_IN_FUTURE,
    DIED_BEFORE_BORN,
    NOT_IN_AREA,
    OUT_OF_SCOPE,
    BirthOutcome,
    ScopeFacts,
    age_band,
    eighteenth_birthday,
    scope_problems,
)

TODAY = date(2026, 6, 15)


def facts(**changes: object) -> ScopeFacts:
    values: dict[str, object] = {
        "birth_outcome": BirthOutcome.LIVE_BIRTH,
        "date_of_birth": date(2020, 1, 1),
        "date_of_death": date(2026, 6, 1),
        "resident_in_area": True,
        "died_in_area": True,
    }
    values.update(changes)
    return ScopeFacts(**values)  # type: ignore[arg-type]


def test_a_child_who_lived_in_the_area_is_in_scope() -> None:
    assert scope_problems(facts(), today=TODAY) == {}


def test_a_child_who_lived_elsewhere_but_died_here_is_in_scope() -> None:
    assert scope_problems(facts(resident_in_area=False), today=TODAY) == {}


@pytest.mark.parametrize(
    "outcome",
    [BirthOutcome.STILLBIRTH, BirthOutcome.LATE_FOETAL_LOSS, BirthOutcome.TERMINATION],
)
def test_stillbirths_late_foetal_losses_and_terminations_are_refused_with_the_reason(
    outcome: BirthOutcome,
) -> None:
    problems = scope_problems(facts(birth_outcome=outcome), today=TODAY)
    assert problems == {"birth_outcome": OUT_OF_SCOPE[outcome]}
    assert "does not cover" in problems["birth_outcome"]


def test_a_death_the_day_before_the_18th_birthday_is_in_scope() -> None:
    assert (
        scope_problems(
            facts(date_of_birth=date(2008, 6, 2), date_of_death=date(2026, 6, 1)), today=TODAY
        )
        == {}
    )


def test_a_death_on_the_18th_birthday_is_refused() -> None:
    problems = scope_problems(
        facts(date_of_birth=date(2008, 6, 1), date_of_death=date(2026, 6, 1)), today=TODAY
    )
    assert problems == {"date_of_birth": AGED_18}


def test_someone_born_on_29_february_comes_of_age_on_1_march() -> None:
    assert eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)
    assert (
        scope_problems(
            facts(date_of_birth=date(2008, 2, 29), date_of_death=date(2026, 2, 28)), today=TODAY
        )
        == {}
    )
    assert "date_of_birth" in scope_problems(
        facts(date_of_birth=date(2008, 2, 29), date_of_death=date(2026, 3, 1)), today=TODAY
    )


def test_impossible_dates_are_refused() -> None:
    assert scope_problems(facts(date_of_death=date(2019, 1, 1)), today=TODAY) == {
        "date_of_death": DIED_BEFORE_BORN
    }
    assert scope_problems(facts(date_of_death=date(2026, 6, 16)), today=TODAY) == {
        "date_of_death": DEATH_IN_FUTURE
    }


def test_a_child_who_neither_lived_nor_died_in_the_area_is_refused() -> None:
    problems = scope_problems(facts(resident_in_area=False, died_in_area=False), today=TODAY)
    assert problems == {"died_in_area": NOT_IN_AREA}


@pytest.mark.parametrize(
    ("born", "died", "band"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), AgeBand.NEONATE),
        (date(2026, 1, 1), date(2026, 1, 28), AgeBand.NEONATE),
        (date(2026, 1, 1), date(2026, 1, 29), AgeBand.INFANT),
        (date(2025, 1, 2), date(2026, 1, 1), AgeBand.INFANT),
        (date(2025, 1, 1), date(2026, 1, 1), AgeBand.ONE_TO_FOUR),
        (date(2021, 1, 2), date(2026, 1, 1), AgeBand.ONE_TO_FOUR),
        (date(2021, 1, 1), date(2026, 1, 1), AgeBand.FIVE_TO_NINE),
        (date(2016, 1, 1), date(2026, 1, 1), AgeBand.TEN_TO_FOURTEEN),
        (date(2011, 1, 1), date(2026, 1, 1), AgeBand.FIFTEEN_TO_SEVENTEEN),
    ],
)
def test_age_bands(born: date, died: date, band: AgeBand) -> None:
    assert age_band(born, died) == band
