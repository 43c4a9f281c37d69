"""Training's tool on the staff dashboard (see ``accounts.navigation``)."""

from safeguarding.accounts.navigation import StaffTool
from safeguarding.accounts.roles import Role

TOOLS = (
    StaffTool(
        "Training",
        "training:staff_home",
        "Courses, sessions, bookings, attendance and certificates.",
        (Role.TRAINING_COORDINATOR,),
    ),
)
