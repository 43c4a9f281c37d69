"""Roles are Django groups with these exact names; seed_demo and migrations create them."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PARTNERSHIP_ADMINISTRATOR = "Partnership administrator"
    TRAINING_COORDINATOR = "Training coordinator"
    COMMUNICATIONS_OFFICER = "Communications officer"
    DATA_PROTECTION_LEAD = "Data protection lead"
    REVIEW_PANEL_MEMBER = "Review panel member"
    # The business unit's case review officer: opens case reviews (and leads them until they
    # hand the lead to someone else), runs their clocks and publishes the reports. A role
    # opens no case by itself: every case, for this role and for administrators too, is seen
    # only through membership of its workspace (safeguarding.casereviews).
    REVIEW_OFFICER = "Review officer"
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

# What a role's work will be, said on the dashboard to people with the role until an app
# registers a staff tool for it (accounts.navigation.work_to_come).
WORK_TO_COME: dict[Role, str] = {
    Role.REVIEW_PANEL_MEMBER: (
        "Your case review workspace will be here: the reviews you are a member of, with their "
        "records, chronologies and actions. Only members of a review can open it."
    ),
    Role.CDOP_COORDINATOR: (
        "Your child death review workspace will be here: notifications, the information "
        "gathered for each review and the panel's decisions. Only its members can open it."
    ),
}
