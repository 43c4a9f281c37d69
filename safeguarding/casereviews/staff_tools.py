"""Case reviews on the staff dashboard (see ``accounts.navigation``). The page lists only the
cases a person is a member of; an independent reviewer with no role opens it at
/staff/case-reviews/ (the tool shows to the roles that usually have cases)."""

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role

TOOLS = (
    StaffTool(
        "Case reviews",
        "casereviews:staff_home",
        "Serious incidents, rapid reviews and practice reviews you are a member of.",
        (Role.REVIEW_OFFICER, Role.REVIEW_PANEL_MEMBER, Role.PARTNERSHIP_ADMINISTRATOR),
    ),
)
