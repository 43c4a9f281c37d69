"""The audit actions child death reviews write (``safeguarding.audit.actions``). Reads of the
records go to the workspaces' read log."""

from safeguarding.audit.actions import register

register(
    "cdop",
    {
        "cdop.case.opened": "A child death review was opened from a notification",
        "cdop.notification.linked": "A later notification was linked to a child's review",
        "cdop.notification.received": "A death was notified through the online form",
        "cdop.notification.accepted": "The secretariat took an online notification into a review",
        "cdop.notification.discarded": "An online notification was removed",
        "cdop.jar.recorded": "A joint agency response was recorded",
        "cdop.review_meeting.recorded": "A child death review meeting was recorded",
        "cdop.case.ready": "A child death review was made ready for the panel",
        "cdop.analysis.saved": "The panel's analysis was saved",
        "cdop.analysis.completed": "The panel's analysis was completed",
        "cdop.analysis.reopened": "The panel's analysis was reopened",
        "cdop.action.added": "An action from a child death review was added",
        "cdop.meeting.created": "A panel meeting was arranged",
        "cdop.meeting.agenda_built": "Cases ready for the panel were put on a meeting's agenda",
        "cdop.meeting.attendance_recorded": "Attendance at a panel meeting was recorded",
        "cdop.meeting.decision_recorded": "The panel's decision on a case was recorded",
        "cdop.case.closed": "A child death review was closed",
        "cdop.case.sent_to_ncmd": "A review was recorded as sent to the national database",
        "cdop.case.referred": "A child's death was referred to the safeguarding partners",
        "cdop.family.key_worker_set": "A family's key worker was named",
        "cdop.family.member_added": "A family member's contact details were added",
        "cdop.family.question_added": "A family's question for the panel was recorded",
        "cdop.family.question_answered": "The panel's answer to a family's question was recorded",
        "cdop.reporting_form.requested": "A reporting form was asked of a professional",
        "cdop.reporting_form.resent": "A reporting form's link was sent again",
        "cdop.reporting_form.withdrawn": "A reporting form request was withdrawn",
        "cdop.reporting_form.saved": "A professional saved a reporting form to finish later",
        "cdop.reporting_form.submitted": "A professional sent their reporting form",
        "cdop.reporting_form.reminded": "A reminder to send a reporting form was queued",
        "cdop.reporting_form.link_issued": (
            "A new link to a reporting form was emailed; earlier links stopped working"
        ),
        "cdop.case.read": "Child death review records were shown",
        "cdop.notifications.read": "Online notifications waiting for the secretariat were shown",
        "cdop.export.made": "A child death review export was downloaded",
        "cdop.report.made": "The annual child death statistics were produced",
        "cdop.papers.made": "A panel meeting's papers were downloaded",
    },
)
