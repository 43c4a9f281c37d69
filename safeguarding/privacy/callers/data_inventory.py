"""Inventory declarations and retention rules for caller identity checks (P11), third-party
authorisations (P12) and the disclosure register (P07).

Retention, and why:

- ``caller_verification``: deleted **1 year** after the call. Long enough to answer a complaint
  that we discussed someone's data with the wrong person, and to see a pattern of failed
  attempts; no longer, because the rows show when a person (or someone pretending to be them)
  phoned us. The questions asked are kept, the answers never are.
- ``authorisation``: deleted **1 year** after the authorisation stopped applying, whichever
  came first of revoked, rejected (a written one a second person refused), used (a one-off
  instruction) or expired. It is the evidence that we
  were allowed to speak to someone else, so it outlives its use by a year for complaints; its
  uses go with it.
- ``disclosure``: deleted **6 years** after the entry is made. The six-year limitation period
  for claims (Limitation Act 1980) and the common "6+1" council practice; a disclosure the law
  required is exactly what a later claim or ICO complaint asks about. A legal hold keeps one
  longer.
- Security questions live as long as the person's record (rule ``person``, see
  ``privacy/data_inventory.py``): they are deleted with it, or replaced whenever the person
  sets new ones.
"""

from __future__ import annotations

from django.db.models import Q
from django.db.models.functions import Coalesce

from safeguarding.inventory.declarations import declare, not_personal, personal, secret
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.retention_rules import register as register_rule
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import Subject
from safeguarding.privacy.retention.people import person_retention_from

register_rule(
    RetentionRule(
        "caller_verification",
        "the call",
        365,
        Action.DELETE,
        reason="Long enough to look into a complaint about a call, no longer.",
    )
)
register_rule(
    RetentionRule(
        "authorisation",
        "the authorisation is revoked, rejected, used (one-off) or expires",
        365,
        Action.DELETE,
        reason="The evidence that we were allowed to speak to someone else about you.",
    )
)
register_rule(
    RetentionRule(
        "disclosure",
        "the disclosure is recorded",
        365 * 6,
        Action.DELETE,
        reason="The six-year limitation period for claims about a disclosure.",
    )
)


register_rule(
    RetentionRule(
        "security_questions_link",
        "the link to set security questions is sent",
        2,
        Action.DELETE,
        reason="A link works for a day; unused, it is deleted soon after.",
    )
)


_person_is = by_email("person__email")


declare(
    "privacy.SecurityQuestion",
    subject=Subject.PRACTITIONER,
    purpose="rights_requests",
    retention="person",
    # They go with the person: due when the person is.
    retention_trigger=lambda: person_retention_from("person_id", "person__created_at"),
    subject_filter=_person_is,
    description="The security questions a person chose, with a hash of each answer.",
    fields={
        **not_personal("id"),
        "person": personal("user.unique_id"),
        "question": personal(
            "user.authorization.credentials", note="which question, not the answer"
        ),
        "answer_hash": secret(
            "user.authorization.credentials", note="a one-way hash of the normalised answer"
        ),
        "set_at": personal("system.operations"),
    },
)
declare(
    "privacy.SecurityQuestionsLink",
    subject=Subject.PRACTITIONER,
    purpose="rights_requests",
    retention="security_questions_link",
    retention_trigger="sent_at",
    subject_filter=_person_is,
    credentials=True,  # the nonce makes the emailed link work
    description="That we sent you a link to set your security questions, and when.",
    fields={
        **not_personal("id"),
        "person": personal("user.unique_id"),
        "nonce": secret("user.authorization.credentials", note="what makes the link work"),
        "sent_at": personal("system.operations"),
    },
)
declare(
    "privacy.CallerVerification",
    subject=Subject.PRACTITIONER,
    purpose="rights_requests",
    retention="caller_verification",
    retention_trigger="started_at",
    subject_filter=_person_is,
    description="Each check of a caller's identity: the questions asked and the outcome.",
    fields={
        **not_personal("id"),
        "person": personal("user.unique_id"),
        "staff": personal("user.unique_id", subject=Subject.STAFF),
        "question_keys": personal("user.authorization.credentials", note="questions, no answers"),
        "started_at": personal("system.operations"),
        "outcome": personal("user.authorization"),
        "completed_at": personal("system.operations"),
    },
)
declare(
    "privacy.Authorisation",
    subject=Subject.PRACTITIONER,
    purpose="rights_requests",
    retention="authorisation",
    retention_trigger=("revoked_at", "rejected_at", "used_at", "expires_at"),
    subject_filter=_person_is,
    description="Who a person has allowed us to discuss their data with, and what about.",
    fields={
        **not_personal("id", "public_id", "kind"),
        "person": personal("user.unique_id"),
        "authorised_party": personal(
            "user.content.private", note="names a third party and their relationship"
        ),
        "scope": personal("user.content.private"),
        "document_reference": personal("user.content.private"),
        "given_at": personal("system.operations"),
        "expires_at": personal("system.operations"),
        "recorded_by": personal("user.unique_id", subject=Subject.STAFF),
        "verification": personal("user.unique_id"),
        "used_at": personal("system.operations"),
        "used_by": personal("user.unique_id", subject=Subject.STAFF),
        "revoked_at": personal("system.operations"),
        "revoked_by": personal("user.unique_id", subject=Subject.STAFF),
        "approved_at": personal("system.operations"),
        "approved_by": personal("user.unique_id", subject=Subject.STAFF),
        "rejected_at": personal("system.operations"),
        "rejected_by": personal("user.unique_id", subject=Subject.STAFF),
        "rejection_reason": personal("user.content.private"),
    },
)
declare(
    "privacy.AuthorisationUse",
    subject=Subject.PRACTITIONER,
    purpose="rights_requests",
    retention="authorisation",
    retention_trigger=lambda: Coalesce(
        "authorisation__revoked_at",
        "authorisation__rejected_at",
        "authorisation__used_at",
        "authorisation__expires_at",
    ),
    subject_filter=by_email("authorisation__person__email"),
    description="Each time staff discussed a person's data relying on an authorisation.",
    fields={
        **not_personal("id"),
        "authorisation": personal("user.unique_id"),
        "verification": personal("user.unique_id"),
        "used_by": personal("user.unique_id", subject=Subject.STAFF),
        "used_at": personal("system.operations"),
    },
)
declare(
    "privacy.DisclosureRecord",
    subject=Subject.PRACTITIONER,
    purpose="legal_disclosures",
    retention="disclosure",
    retention_trigger="recorded_at",
    # Only approved entries that are not withheld under an exemption reach the subject's
    # access export (and an entry the law made us keep is never found for erasure either).
    subject_filter=by_email(
        "person__email", where=Q(approved_at__isnull=False, withhold_from_subject=False)
    ),
    keep_on_erasure=(
        "The disclosure register records what the law required us to share; it is kept for "
        "6 years so that the disclosure can be accounted for."
    ),
    description="The disclosure register: what was shared without consent, why and with whom.",
    fields={
        **not_personal("id", "public_id", "legal_basis", "withhold_from_subject"),
        "person": personal("user.unique_id"),
        "requester_organisation": personal("user.content.private"),
        "requester": personal("user.content.private", note="names a third party or role"),
        "legal_basis_description": personal("user.content.private"),
        "what_disclosed": personal("user.content.private"),
        "disclosed_on": personal("system.operations"),
        "recorded_by": personal("user.unique_id", subject=Subject.STAFF),
        "recorded_at": personal("system.operations"),
        "approved_by": personal("user.unique_id", subject=Subject.STAFF),
        "approved_at": personal("system.operations"),
        "exemption_reason": personal("user.content.private"),
    },
)
