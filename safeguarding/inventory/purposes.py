"""Why the partnership processes personal data: one registered Purpose per reason.

Every personal field names one of these. The privacy notice and the Article 30 record are
generated from them, so the wording here is what the public reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from safeguarding.inventory import revision
from safeguarding.inventory.taxonomy import LawfulBasis, SpecialCondition


@dataclass(frozen=True)
class Purpose:
    key: str
    name: str
    description: str
    data_use: str  # a fideslang data use
    lawful_basis: LawfulBasis
    special_condition: SpecialCondition | None = None
    recipients: tuple[str, ...] = field(default=())


_registry: dict[str, Purpose] = {}


def register(purpose: Purpose) -> Purpose:
    _registry[purpose.key] = purpose
    revision.changed()
    return purpose


def get(key: str) -> Purpose | None:
    return _registry.get(key)


def all_purposes() -> list[Purpose]:
    return sorted(_registry.values(), key=lambda purpose: purpose.name)


STAFF_ACCOUNTS = register(
    Purpose(
        key="staff_accounts",
        name="Running staff accounts and keeping them secure",
        description=(
            "To let business unit staff and case review professionals sign in with two-factor "
            "authentication, and to limit what each can see to what their role needs."
        ),
        data_use="essential.service.authentication",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        recipients=("Partnership administrators",),
    )
)
SECURITY = register(
    Purpose(
        key="security",
        name="Keeping records of who did what, for security and accountability",
        description=(
            "To record every sign-in, every change and every look at a restricted record in a "
            "tamper-evident audit trail, and to stop repeated attempts to guess passwords."
        ),
        data_use="essential.service.security",
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        recipients=("The data protection lead", "The controller's information governance team"),
    )
)
SERVICE_OPERATIONS = register(
    Purpose(
        key="service_operations",
        name="Sending the emails the service needs and running scheduled work",
        description=(
            "To send emails such as confirmations and password resets in the background, and "
            "to run daily housekeeping such as retention."
        ),
        data_use="essential.service.operations",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
    )
)
RIGHTS_REQUESTS = register(
    Purpose(
        key="rights_requests",
        name="Answering requests to see, correct or erase your data, and checking who you are",
        description=(
            "To answer requests under data protection law within the legal time limits, to "
            "confirm the identity of callers before discussing their data, to record who you "
            "have authorised us to speak to, and to record disclosures the law requires."
        ),
        data_use="essential.legal_obligation",
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        recipients=("The data protection lead", "The controller's information governance team"),
    )
)
LEGAL_DISCLOSURES = register(
    Purpose(
        key="legal_disclosures",
        name="Sharing information when the law requires it",
        description=(
            "To share information when a court orders it, to protect someone from immediate "
            "harm, or when another law requires it; each disclosure is recorded and you can "
            "see it in a copy of your data unless an exemption applies."
        ),
        data_use="third_party_sharing.legal_obligation",
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        special_condition=None,
        recipients=("Courts", "The police", "Other bodies the law names"),
    )
)
