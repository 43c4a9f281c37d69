"""Case reviews on the staff dashboard (see ``accounts.navigation``). The page lists only the
cases a person is a member of; the tool shows to the roles that usually have cases and to
anyone who is a member of one, such as an independent reviewer with no role."""

from functools import partial

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role
from safeguarding.casereviews.models import KIND
from safeguarding.workspaces.selectors import is_member_of_a

TOOLS = (
    StaffTool(
        "Case reviews",
        "casereviews:staff_home",
        "Serious incidents, rapid reviews and practice reviews you are a member of.",
        (Role.REVIEW_OFFICER, Role.REVIEW_PANEL_MEMBER, Role.PARTNERSHIP_ADMINISTRATOR),
        also_for=partial(is_member_of_a, KIND),
    ),
)
