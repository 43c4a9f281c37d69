"""Child death reviews on the staff dashboard (see ``accounts.navigation``). The page lists
only the reviews a person is a member of; a panel member with no role opens it at
/staff/child-deaths/ (the tool shows to the secretariat's role)."""

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role

TOOLS = (
    StaffTool(
        "Child death reviews",
        "cdop:dashboard",
        "Notifications, the reviews you are a member of, reporting forms and panel meetings.",
        (Role.CDOP_COORDINATOR,),
    ),
)
