"""The audit actions training writes (``safeguarding.audit.actions``)."""

from safeguarding.audit.actions import register

register(
    "training",
    {
        "training.course.created": "A course was created",
        "training.session.created": "A session was created",
        "training.session.closed": "A session was closed",
        "training.booking.created": "A booking was made",
        "training.booking.approved": "A manager approved a booking",
        "training.booking.declined": "A manager declined a booking",
        "training.booking.cancelled": "A booking was cancelled",
        "training.booking.transferred": "A booking was passed to a colleague",
        "training.booking.moved": "A booking was moved to another session",
        "training.booking.corrected": "A booking's details were corrected",
        "training.booking.pruned_unconfirmed": "An unconfirmed booking was removed",
        "training.booking.reminder_sent": "A reminder was sent before a session",
        "training.booking.evaluation_follow_up_sent": "A follow-up evaluation was asked for",
        "training.waiting_list.joined": "Someone joined a waiting list",
        "training.waiting_list.offered": "A place was offered from the waiting list",
        "training.waiting_list.accepted": "An offered place was accepted",
        "training.waiting_list.offer_expired": "An offered place was not taken in time",
        "training.waiting_list.closed": "A waiting list place ended when the session closed",
        "training.waiting_list.left": "Someone left a waiting list",
        "training.attendance.marked": "Attendance was marked",
        "training.attendance.exported": "An attendance list was downloaded",
        "training.certificate.issued": "A certificate was issued",
        "training.evaluation.submitted": "An evaluation was submitted",
        "training.access_needs.read": "Access needs were viewed",
    },
)
