"""The newsletter's tool on the staff dashboard (see ``accounts.navigation``)."""

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role

TOOLS = (
    StaffTool(
        "Newsletters",
        "newsletter:campaigns",
        "Write, send and follow newsletter campaigns; import lists with consent evidence.",
        (Role.COMMUNICATIONS_OFFICER,),
    ),
    StaffTool(
        "Subscribers",
        "newsletter:subscribers",
        "Find a subscriber: their topics, consent evidence and history.",
        (Role.COMMUNICATIONS_OFFICER,),
    ),
)
