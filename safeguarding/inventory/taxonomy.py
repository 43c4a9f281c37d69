"""The vocabulary declarations use: fideslang's taxonomy, UK GDPR bases and conditions.

Data categories and data uses are fideslang keys (``user.contact.email``,
``marketing.communications.email``), so a declaration means the same outside this system.
Data subjects are the partnership's own; each maps to the nearest fideslang subject.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from fideslang.default_taxonomy import DEFAULT_TAXONOMY


@cache
def data_categories() -> frozenset[str]:
    return frozenset(category.fides_key for category in DEFAULT_TAXONOMY.data_category)


@cache
def data_uses() -> frozenset[str]:
    return frozenset(use.fides_key for use in DEFAULT_TAXONOMY.data_use)


@cache
def fides_subjects() -> frozenset[str]:
    return frozenset(subject.fides_key for subject in DEFAULT_TAXONOMY.data_subject)


def is_within(key: str, parent: str) -> bool:
    return key == parent or key.startswith(parent + ".")


# Art 9 special categories and Art 10 criminal offence data, as fideslang names them.
SPECIAL_CATEGORY_ROOTS = (
    "user.health_and_medical",
    "user.biometric",
    "user.demographic.race_ethnicity",
    "user.demographic.religious_belief",
    "user.demographic.political_opinion",
    "user.demographic.sexual_orientation",
    "user.criminal_history",
)


def is_special_category(category: str) -> bool:
    return any(is_within(category, root) for root in SPECIAL_CATEGORY_ROOTS)


# P06: no purpose may use personal data for advertising or sharing with third parties,
# except a disclosure the law requires.
FORBIDDEN_USE_ROOTS = ("marketing.advertising", "third_party_sharing", "sales")
PERMITTED_SHARING_USE = "third_party_sharing.legal_obligation"


def is_forbidden_use(use: str) -> bool:
    if use == PERMITTED_SHARING_USE:
        return False
    return any(is_within(use, root) for root in FORBIDDEN_USE_ROOTS)


class Subject(StrEnum):
    PRACTITIONER = "practitioner"
    SUBSCRIBER = "subscriber"
    CHILD = "child"
    FAMILY_MEMBER = "family member"
    STAFF = "staff"
    ENQUIRER = "enquirer"
    VISITOR = "website visitor"

    @property
    def fides_subject(self) -> str:
        return _FIDES_SUBJECT[self]


_FIDES_SUBJECT = {
    Subject.PRACTITIONER: "trainee",
    Subject.SUBSCRIBER: "customer",
    Subject.CHILD: "citizen_voter",  # fideslang has no child subject; the nearest citizen
    Subject.FAMILY_MEMBER: "next_of_kin",
    Subject.STAFF: "employee",
    Subject.ENQUIRER: "prospect",
    Subject.VISITOR: "visitor",
}


class LawfulBasis(StrEnum):
    """UK GDPR Article 6(1)."""

    CONSENT = "6(1)(a) consent"
    CONTRACT = "6(1)(b) contract"
    LEGAL_OBLIGATION = "6(1)(c) legal obligation"
    VITAL_INTERESTS = "6(1)(d) vital interests"
    PUBLIC_TASK = "6(1)(e) public task"
    LEGITIMATE_INTERESTS = "6(1)(f) legitimate interests"


class SpecialCondition(StrEnum):
    """UK GDPR Article 9(2) with the DPA 2018 Schedule 1 condition where one is needed."""

    EXPLICIT_CONSENT = "9(2)(a) explicit consent"
    EMPLOYMENT = "9(2)(b) employment and social protection; DPA 2018 Sch 1 para 1"
    HEALTH_OR_SOCIAL_CARE = "9(2)(h) health or social care; DPA 2018 Sch 1 para 2"
    STATUTORY_PURPOSES = (
        "9(2)(g) substantial public interest; DPA 2018 Sch 1 para 6 statutory purposes"
    )
    EQUALITY = "9(2)(g) substantial public interest; DPA 2018 Sch 1 para 8 equality of opportunity"
    SAFEGUARDING = (
        "9(2)(g) substantial public interest; DPA 2018 Sch 1 para 18 "
        "safeguarding of children and individuals at risk"
    )
    LEGAL_CLAIMS = "9(2)(f) legal claims"
