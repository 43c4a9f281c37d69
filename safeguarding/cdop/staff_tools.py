"""Child death reviews on the staff dashboard (see ``accounts.navigation``). The page lists
only the reviews a person is a member of; the tool shows to the secretariat's role and to
anyone who is a member of a review, such as a panel member with no role."""

from functools import partial

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role
from safeguarding.cdop.models import KIND
from safeguarding.workspaces.selectors import is_member_of_a

TOOLS = (
    StaffTool(
        "Child death reviews",
        "cdop:dashboard",
        "Notifications, the reviews you are a member of, reporting forms and panel meetings.",
        (Role.CDOP_COORDINATOR,),
        also_for=partial(is_member_of_a, KIND),
    ),
)
