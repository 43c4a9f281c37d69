"""Roles are Django groups with these exact names; seed_demo and migrations create them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PARTNERSHIP_ADMINISTRATOR = "Partnership administrator"
    TRAINING_COORDINATOR = "Training coordinator"
    COMMUNICATIONS_OFFICER = "Communications officer"
    DATA_PROTECTION_LEAD = "Data protection lead"
    REVIEW_PANEL_MEMBER = "Review panel member"
    CDOP_COORDINATOR = "CDOP coordinator"
    # Offered as a session's trainer on the training session form; grants nothing else.
    TRAINER = "Trainer"


ALL_ROLES: tuple[Role, ...] = tuple(Role)

# Who answers data protection work (rights requests, disclosures, retention, Article 30).
DATA_PROTECTION_ROLES: tuple[Role, ...] = (
    Role.DATA_PROTECTION_LEAD,
    Role.PARTNERSHIP_ADMINISTRATOR,
)
# Who takes calls from the public and so verifies callers.
CALL_HANDLING_ROLES: tuple[Role, ...] = (
    *DATA_PROTECTION_ROLES,
    Role.TRAINING_COORDINATOR,
    Role.COMMUNICATIONS_OFFICER,
)
