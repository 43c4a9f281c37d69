"""Administrators' tools on the staff dashboard (see ``accounts.navigation``)."""

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role

TOOLS = (
    StaffTool(
        "People and access",
        "accounts:people",
        "Invite staff, choose their roles, disable or enable accounts, reset two-factor.",
        (Role.PARTNERSHIP_ADMINISTRATOR,),
    ),
    StaffTool(
        "Emails that could not be sent",
        "accounts:failed_emails",
        "Emails the system gave up on after trying again, and why.",
        (Role.PARTNERSHIP_ADMINISTRATOR,),
    ),
)
