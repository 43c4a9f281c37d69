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

from django.db.models import F
from django.utils import timezone

from safeguarding.inventory.declarations import NOT_PERSONAL, declare, not_personal, personal
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.retention_rules import register as register_rule
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import Subject
from safeguarding.privacy.rights import services  # noqa: F401  (registers the daily prune job)

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

KEPT_AS_THE_ANSWER = (
    "The record of your request and of how we answered it is kept, so that we can show the "
    "ICO what we did; it is deleted 2 years after the request is closed."
)

declare(
    "privacy.RightsRequest",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger="completed_at",
    subject_filter=by_email("person__email"),
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="Requests to see, correct, erase, restrict or object to the use of your data.",
    label="Rights request",
    describe=lambda request: (
        f"{request.get_kind_display().split(':')[0].lower()} request "
        f"{request.reference}, received {timezone.localtime(request.received_at):%-d %B %Y}"
    ),
    fields={
        **not_personal("row_key", "subject"),
        "subject_authority": personal(
            "user.content.private", note="the requester's authority to act for the subject"
        ),
        "subject_name": personal("user.name", encrypted=True, note="the child or adult asked for"),
        "subject_date_of_birth": personal(
            "user.demographic.date_of_birth", encrypted=True, note="a child asked for"
        ),
        "subject_nhs_number": personal(
            "user.government_id", encrypted=True, note="a child asked for, when given"
        ),
        "subject_email": personal("user.contact.email", note="another adult asked for"),
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
    subject_filter=by_email("request__person__email"),
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="Times the clock stopped while we waited for the requester to clarify.",
    fields={
        **not_personal("id"),
        "request": personal("user.unique_id", note="the request it paused"),
        "started_at": personal("system.operations"),
        "ended_at": personal("system.operations"),
        "reason": personal("user.content.private", note="free text, may name people"),
    },
)

# --- What staff did to answer requests (safeguarding.privacy.models.rights_outcomes) ---------

RESTRICTION_RULE = register_rule(
    RetentionRule(
        "processing_restriction",
        "the restriction is lifted",
        365 * 2,
        Action.DELETE,
        reason=(
            "Kept after it is lifted long enough to answer a complaint that we processed "
            "data while it was restricted."
        ),
    )
)


_request_subject = by_email("request__person__email")


def _request_closed() -> F:
    return F("request__completed_at")


declare(
    "privacy.WithheldItem",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger=_request_closed,
    subject_filter=_request_subject,
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="What we left out of a copy of your data, under which exemption.",
    fields={
        **not_personal("id", "exemption", "model_label", "object_id", "field_name"),
        "request": personal("user.unique_id"),
        "description": personal("user.content.private", note="what was withheld, in words"),
        "justification": personal("user.content.private", note="free text, may name people"),
        "proposed_by": personal("user.unique_id", subject=Subject.STAFF),
        "proposed_at": personal("system.operations"),
        "signed_off_by": personal("user.unique_id", subject=Subject.STAFF),
        "signed_off_at": personal("system.operations"),
    },
)
declare(
    "privacy.ExportDelivery",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger=_request_closed,
    subject_filter=_request_subject,
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="The link we emailed you to download a copy of your data, and its use.",
    label="Link to download a copy of your data",
    describe=lambda delivery: (
        "link to download a copy of your data, sent "
        f"{timezone.localtime(delivery.created_at):%-d %B %Y}"
    ),
    fields={
        **not_personal("id", "created_at", "expires_at", "downloads_allowed"),
        "request": personal("user.unique_id"),
        "downloads_used": personal("user.behavior"),
        "failed_confirmations": personal(
            "system.operations", note="wrong email addresses typed on the download page"
        ),
        "last_downloaded_at": personal("user.behavior"),
        "ended_at": NOT_PERSONAL,
        "ended_by": personal("user.unique_id", note="the member of staff who stopped the link"),
        "ended_why": NOT_PERSONAL,
        "ended_reason": personal("user.content.private", note="why staff stopped the link"),
    },
)
declare(
    "privacy.PreparedErasure",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger=_request_closed,
    subject_filter=_request_subject,
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="An erasure one of us prepared, and the second person who approved it.",
    fields={
        **not_personal("id", "status"),
        "request": personal("user.unique_id"),
        "reason": personal("user.content.private", note="free text, may name people"),
        "proposed_by": personal("user.unique_id", subject=Subject.STAFF),
        "proposed_at": personal("system.operations"),
        "decided_by": personal("user.unique_id", subject=Subject.STAFF),
        "decided_at": personal("system.operations"),
        "decision_reason": personal("user.content.private", note="free text, may name people"),
    },
)
declare(
    "privacy.ErasureReport",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger=_request_closed,
    subject_filter=_request_subject,
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="What an erasure removed and what it kept, and why: counts, not content.",
    fields={
        **not_personal("id", "lines"),
        "request": personal("user.unique_id"),
        "carried_out_by": personal("user.unique_id", subject=Subject.STAFF),
        "carried_out_at": personal("system.operations"),
    },
)
declare(
    "privacy.Rectification",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger=_request_closed,
    subject_filter=_request_subject,
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="Corrections we made to your data, with the value before and after.",
    fields={
        **not_personal("id", "model_label", "object_id", "field_name"),
        "request": personal("user.unique_id"),
        "before": personal("user.content.private", note="the value as it was"),
        "after": personal("user.content.private", note="the corrected value"),
        "recorded_by": personal("user.unique_id", subject=Subject.STAFF),
        "recorded_at": personal("system.operations"),
    },
)
declare(
    "privacy.ProcessingRestriction",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="processing_restriction",
    retention_trigger="lifted_at",
    subject_filter=by_email("person__email"),
    keep_on_erasure=(
        "A restriction in force is kept until it is lifted, so that nothing processes your "
        "data meanwhile."
    ),
    description="Restrictions on how we may use your data, while they are in force.",
    fields={
        **not_personal("id"),
        "person": personal("user.unique_id"),
        "request": personal("user.unique_id"),
        "reason": personal("user.content.private", note="free text, may name people"),
        "placed_by": personal("user.unique_id", subject=Subject.STAFF),
        "placed_at": personal("system.operations"),
        "lifted_at": personal("system.operations"),
        "lifted_by": personal("user.unique_id", subject=Subject.STAFF),
        "lift_reason": personal("user.content.private"),
    },
)
declare(
    "privacy.Objection",
    subject=Subject.ENQUIRER,
    purpose="rights_requests",
    retention="rights_request",
    retention_trigger=_request_closed,
    subject_filter=_request_subject,
    keep_on_erasure=KEPT_AS_THE_ANSWER,
    description="Objections to how we use your data, and what we decided.",
    fields={
        **not_personal("id", "purpose"),
        "request": personal("user.unique_id"),
        "outcome": personal("user.content.private", note="upheld or not"),
        "reasons": personal("user.content.private", note="free text, may name people"),
        "decided_by": personal("user.unique_id", subject=Subject.STAFF),
        "decided_at": personal("system.operations"),
    },
)
