"""Which deaths the child death review covers, and the child's age band.

A child is under 18; stillbirths, late foetal losses and lawful terminations of pregnancy
(and a baby born alive after one) are not reviewed (uk-safeguarding-domain.md 1.1). The
partners review every death of a child who lived in the area, and the deaths of children who
died in it where agreed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone

from safeguarding.cdop.models import AgeBand


class BirthOutcome(models.TextChoices):
    LIVE_BIRTH = "live", "The child was born alive"
    STILLBIRTH = (
        "stillbirth",
        "A stillbirth: the baby was born without signs of life at or after 24 weeks of pregnancy",
    )
    LATE_FOETAL_LOSS = (
        "late_foetal_loss",
        "A late foetal loss: the pregnancy ended without signs of life before 24 weeks",
    )
    TERMINATION = (
        "termination",
        "A lawful termination of pregnancy, including a baby born alive after one",
    )


OUT_OF_SCOPE = {
    BirthOutcome.STILLBIRTH: (
        "The child death review does not cover stillbirths, so this death cannot be notified "
        "here. Report it through your organisation's perinatal mortality process."
    ),
    BirthOutcome.LATE_FOETAL_LOSS: (
        "The child death review does not cover late foetal losses, so this loss cannot be "
        "notified here. Report it through your organisation's perinatal mortality process."
    ),
    BirthOutcome.TERMINATION: (
        "The child death review does not cover lawful terminations of pregnancy, including a "
        "baby born alive after one, so this cannot be notified here."
    ),
}
AGED_18 = (
    "The child death review covers children who die before their 18th birthday. Check the "
    "dates of birth and death."
)
DIED_BEFORE_BORN = "Date of death must be the same as or after the date of birth"
DEATH_IN_FUTURE = "Date of death must be today or in the past"
NOT_IN_AREA = (
    "The panel reviews the deaths of children who lived in its area or died in it. Notify "
    "the child death overview panel for the area where the child lived."
)


@dataclass(frozen=True)
class ScopeFacts:
    birth_outcome: str
    date_of_birth: date
    date_of_death: date
    resident_in_area: bool
    died_in_area: bool


def eighteenth_birthday(born: date) -> date:
    """In England a person born on 29 February comes of age on 1 March in other years."""
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return date(born.year + 18, 3, 1)


def scope_problems(facts: ScopeFacts, *, today: date | None = None) -> dict[str, str]:
    """Why the death is outside the review, field by field (empty when it is in scope)."""
    today = today or timezone.localdate()
    if facts.birth_outcome in OUT_OF_SCOPE:
        return {"birth_outcome": OUT_OF_SCOPE[BirthOutcome(facts.birth_outcome)]}
    if facts.birth_outcome != BirthOutcome.LIVE_BIRTH:
        return {"birth_outcome": "Select whether the child was born alive"}
    problems: dict[str, str] = {}
    if facts.date_of_death > today:
        problems["date_of_death"] = DEATH_IN_FUTURE
    elif facts.date_of_death < facts.date_of_birth:
        problems["date_of_death"] = DIED_BEFORE_BORN
    elif facts.date_of_death >= eighteenth_birthday(facts.date_of_birth):
        problems["date_of_birth"] = AGED_18
    if not facts.resident_in_area and not facts.died_in_area:
        problems["died_in_area"] = NOT_IN_AREA
    return problems


def _years(born: date, died: date) -> int:
    years = died.year - born.year
    if (died.month, died.day) < (born.month, born.day):
        years -= 1
    return years


def age_band(born: date, died: date) -> AgeBand:
    years = _years(born, died)
    if years == 0:
        return AgeBand.NEONATE if (died - born).days < 28 else AgeBand.INFANT
    if years <= 4:
        return AgeBand.ONE_TO_FOUR
    if years <= 9:
        return AgeBand.FIVE_TO_NINE
    if years <= 14:
        return AgeBand.TEN_TO_FOURTEEN
    return AgeBand.FIFTEEN_TO_SEVENTEEN
