"""The staff tools each role sees on the dashboard. Access is still checked by each view."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import CALL_HANDLING_ROLES, DATA_PROTECTION_ROLES, Role


@dataclass(frozen=True)
class StaffTool:
    label: str
    url_name: str
    description: str
    roles: tuple[Role, ...]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


TOOLS = (
    StaffTool(
        "Verify a caller",
        "identity:find",
        "Security questions and authorisations before discussing someone's data.",
        CALL_HANDLING_ROLES,
    ),
    StaffTool(
        "Rights requests",
        "rights:queue",
        "Requests to see, correct or erase data, with their legal deadlines.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Written authorisations awaiting approval",
        "identity:authorisations_awaiting",
        "Approve or reject a colleague's record of a signed authorisation.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Disclosure register",
        "identity:disclosures",
        "Disclosures required by law, and their approval.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Retention and legal holds",
        "retention:overview",
        "How long records are kept, what is due for disposal, and legal holds.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Record of processing",
        "records:article_30",
        "The Article 30 record, generated from the data inventory.",
        DATA_PROTECTION_ROLES,
    ),
    StaffTool(
        "Training",
        "training:staff_home",
        "Courses, sessions, bookings, attendance and certificates.",
        (Role.TRAINING_COORDINATOR,),
    ),
    StaffTool(
        "Newsletters",
        "newsletter:campaigns",
        "Write, send and follow newsletter campaigns; import lists with consent evidence.",
        (Role.COMMUNICATIONS_OFFICER,),
    ),
    StaffTool(
        "People and access",
        "accounts:people",
        "Staff accounts: disable, reset two-factor.",
        (Role.PARTNERSHIP_ADMINISTRATOR,),
    ),
    StaffTool(
        "Emails that could not be sent",
        "accounts:failed_emails",
        "Emails the system gave up on after trying again, and why.",
        (Role.PARTNERSHIP_ADMINISTRATOR,),
    ),
)


def tools_for(user: User) -> list[StaffTool]:
    roles = set(user.role_names)
    return [tool for tool in TOOLS if roles & {str(role) for role in tool.roles}]
