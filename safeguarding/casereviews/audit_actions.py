"""The audit actions case reviews write (``safeguarding.audit.actions``). Details hold ids,
dates and choices, never a name or free text."""

from safeguarding.audit.actions import register

register(
    "casereviews",
    {
        "casereviews.case.opened": "A case review was opened",
        "casereviews.case.closed": "A case review was closed",
        "casereviews.subject.recorded": "Someone on a case's key list was added or corrected",
        "casereviews.notification.recorded": "A serious incident notification was recorded",
        "casereviews.rapid_review.started": "A rapid review started",
        "casereviews.rapid_review.updated": "A rapid review's meeting, report or dates changed",
        "casereviews.rapid_review.decided": "A rapid review's decision was recorded",
        "casereviews.practice_review.started": "A local practice review started",
        "casereviews.practice_review.updated": "A local practice review's details changed",
        "casereviews.information_request.recorded": "A request to an agency was recorded",
        "casereviews.reviewer_request.recorded": "A written request to the reviewer was recorded",
        "casereviews.checkpoint.recorded": "A review checkpoint was recorded",
        "casereviews.chronology.recorded": "A chronology entry was recorded",
        "casereviews.meeting.recorded": "A case meeting was recorded",
        "casereviews.decision.recorded": "A decision in a case was recorded",
        "casereviews.recommendation.recorded": "A review recommendation was recorded",
        "casereviews.action.recorded": "An action in a case's action plan was recorded",
        "casereviews.clocks.reminded": "A case's leads were emailed about its clocks",
        "casereviews.figures.read": "Someone looked at or downloaded the yearly figures",
        "casereviews.publication.checked": "A draft report was checked for identifying details",
        "casereviews.publication.hit_accepted": (
            "A second person accepted that a detail found in a draft may stay"
        ),
        "casereviews.publication.own_acceptance_refused": (
            "Someone tried to accept a detail found by their own check, and was refused"
        ),
        "casereviews.report.published": "A review report was published",
        "casereviews.report.not_published": (
            "A review report was not published; the improvements were published instead"
        ),
    },
)
