"""Inventory declarations and retention for data subject rights requests.

Retention rule ``rights_request``: deleted two years after the request is closed (completed,
refused or withdrawn). The reference material has no published figure for rights request
files (reference/uk-safeguarding-domain.md section 6 found no NSCP or council schedule line
for them), so this is a suggested default for the council's information governance team to
confirm, and the data protection lead can change it in the retention pages. Two years because:

- the requester may complain to the ICO after the answer, and the ICO then asks for the
  request, the dates, any extension notice and what was sent, so the file must outlive the
  ordinary complaint window with a margin;
- whether a new request repeats an earlier one ("manifestly unfounded or excessive",
  UK GDPR Article 12(5)) can only be judged with the earlier requests to hand;
- keeping a file longer than that, with a copy of everything held about a person, would
  itself be more than necessary (Article 5(1)(e)).

Requests never confirmed by their emailed link are not answered and are deleted after seven
days by the daily ``privacy.prune_unconfirmed_requests`` job, not by this rule.
"""

from __future__ import annotations

from django.db.models import F, Q

from safeguarding.privacy import rights_services  # noqa: F401  (registers the daily prune job)
from safeguarding.privacy.inventory import declare, not_personal, personal
from safeguarding.privacy.retention_rules import Action, RetentionRule
from safeguarding.privacy.retention_rules import register as register_rule
from safeguarding.privacy.taxonomy import Subject

RIGHTS_REQUEST_RULE = register_rule(
    RetentionRule(
        "rights_request",
        "the request is closed (completed, refused or withdrawn)",
        365 * 2,
        Action.DELETE,
        reason=(
            "Kept long enough to answer a complaint to the ICO about how the request was "
            "handled, and to recognise a repeated request."
        ),
    )
)

declare(
    "privacy.RightsRequest",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger="completed_at",
    subject_filter=lambda email: Q(person__email=email),
    description="Requests to see, correct, erase, restrict or object to the use of your data.",
    fields={
        **not_personal("id", "due_on", "extension_months"),
        "person": personal("user.unique_id"),
        "kind": personal("user.content.private", note="which right the person used"),
        "details": personal("user.content.private", note="free text from the requester"),
        "channel": personal("system.operations"),
        "received_at": personal("system.operations"),
        "identity_confirmed_at": personal("system.operations"),
        "identity_note": personal("user.content.private", note="how staff checked identity"),
        "logged_by": personal("user.unique_id", subject=Subject.STAFF),
        "status": personal("system.operations"),
        "extension_reason": personal("user.content.private"),
        "extension_notified_at": personal("system.operations"),
        "completed_at": personal("system.operations"),
        "outcome": personal("user.content.private", note="free text, may name people"),
    },
)
declare(
    "privacy.RequestPause",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    # Deleted with its request in any case; the trigger lets the engine see it is automated.
    retention_trigger=lambda: F("request__completed_at"),
    subject_filter=lambda email: Q(request__person__email=email),
    description="Times the clock stopped while we waited for the requester to clarify.",
    fields={
        **not_personal("id"),
        "request": personal("user.unique_id", note="the request it paused"),
        "started_at": personal("system.operations"),
        "ended_at": personal("system.operations"),
        "reason": personal("user.content.private", note="free text, may name people"),
    },
)
