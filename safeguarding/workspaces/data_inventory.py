"""Workspaces hold who may see restricted records and who did (staff data), and the records
every kind of review shares: documents and information-sharing decisions, which are about
children and their families and are stored encrypted."""

from __future__ import annotations

from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import declare, not_personal, personal
from safeguarding.inventory.purposes import Purpose, register
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import LawfulBasis, SpecialCondition, Subject

SAFEGUARDING_REVIEWS = register(
    Purpose(
        key="safeguarding_reviews",
        name="Reviewing serious incidents and child deaths, and sharing information to keep "
        "children safe",
        description=(
            "To carry out the reviews the partnership must hold (rapid reviews, child "
            "safeguarding practice reviews and child death reviews), to keep the documents "
            "they need, and to record every decision to share or not to share information "
            "about a child or family, with the reasons. These records are seen only by the "
            "people working on the review, and are stored encrypted."
        ),
        data_use="essential.legal_obligation",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        special_condition=SpecialCondition.SAFEGUARDING,
        recipients=(
            "The people working on the review",
            "The organisations named in each information-sharing decision",
        ),
    )
)

retention_rules.register(
    RetentionRule(
        "review_record",
        "the record is made",
        0,
        Action.KEEP,
        reason=(
            "A review's documents and information-sharing decisions are kept as long as the "
            "review they belong to; the review's own retention schedule decides when they "
            "are destroyed, together with it."
        ),
    )
)

declare(
    "workspaces.Workspace",
    subject_filter=by_email("created_by__email"),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="workspace",
    description=(
        "A restricted area for one review. Its title must not name anyone; the records "
        "inside it follow their own retention rules."
    ),
    fields={
        **not_personal("id", "kind", "title", "closed_at"),
        "created_at": personal("user.account.settings"),
        "created_by": personal("user.unique_id"),
    },
)
declare(
    "workspaces.Membership",
    label="Workspace membership",
    subject_filter=by_email("user__email", "granted_by__email", "revoked_by__email"),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="workspace_membership",
    retention_trigger=("revoked_at", "lapsed_at", "expires_at"),
    fields={
        **not_personal("id", "workspace"),
        "user": personal("user.unique_id"),
        "role": personal("user.account.settings"),
        "granted_by": personal("user.unique_id"),
        "reason": personal("user.account.settings"),
        "granted_at": personal("user.account.settings"),
        "expires_at": personal("user.account.settings"),
        "confirmed_at": personal("user.account.settings"),
        "revoked_at": personal("user.account.settings"),
        "revoked_by": personal("user.unique_id"),
        "revocation_reason": personal("user.account.settings"),
        "lapsed_at": personal("user.account.settings"),
        "reminded_at": personal("user.account.settings"),
    },
)
declare(
    "workspaces.ReadLog",
    subject_filter=by_email("user__email"),
    subject=Subject.STAFF,
    purpose="security",
    retention="read_log",
    description=(
        "Every read of a restricted record. Append-only; each day is sealed by a digest in "
        "the audit trail, so it is kept as long as the trail is."
    ),
    fields={
        **not_personal("id", "workspace", "target_type", "purpose"),
        "occurred_at": personal("system.operations"),
        "user": personal("user.unique_id"),
        "target_id": personal("user.unique_id", note="may identify a person's record"),
    },
)
declare(
    "workspaces.Document",
    # Found for the member of staff who uploaded it; its encrypted fields, which are about
    # children and families, are never put in an access export (privacy.export).
    subject_filter=by_email("uploaded_by__email"),
    subject=Subject.CHILD,
    purpose="safeguarding_reviews",
    retention="review_record",
    description=(
        "A file a review needs (a chronology, a report, minutes). Stored encrypted; read only "
        "by the review's members, and each read is logged."
    ),
    keep_on_erasure=(
        "Part of a statutory review's record; it is destroyed with the review under the "
        "review's retention schedule."
    ),
    fields={
        **not_personal("id", "row_key", "workspace", "kind", "size", "sha256"),
        "title": personal("user.childrens", encrypted=True, note="may name a child"),
        "content": personal(
            "user.health_and_medical",
            encrypted=True,
            note="may hold anything about a child or family, including health",
        ),
        "uploaded_by": personal("user.unique_id", subject=Subject.STAFF),
        "uploaded_at": personal("user.account.settings", subject=Subject.STAFF),
    },
)
declare(
    "workspaces.SharingDecision",
    # Found for the staff who decided or authorised; the encrypted fields are withheld.
    subject_filter=by_email("decided_by__email", "authorised_by__email"),
    subject=Subject.CHILD,
    purpose="safeguarding_reviews",
    retention="review_record",
    description=(
        "A decision to share, or not to share, information about a child or family: what, "
        "with whom, why, on what lawful basis, whether consent was sought, and who decided "
        "and authorised it."
    ),
    keep_on_erasure=(
        "The record of an information-sharing decision is the evidence that the sharing was "
        "lawful; it is kept as long as the review it belongs to."
    ),
    fields={
        **not_personal(
            "id",
            "row_key",
            "workspace",
            "shared",
            "recipient_organisation",
            "answers",
            "means",
            "lawful_basis",
            "special_category",
            "special_condition",
            "recorded_at",
        ),
        "information": personal(
            "user.health_and_medical",
            encrypted=True,
            note="what was shared may include health or other special category data",
        ),
        "recipient_person": personal(
            "user.name", subject=Subject.STAFF, encrypted=True, note="a professional"
        ),
        "purpose": personal("user.childrens", encrypted=True),
        "consent_sought": personal("user.childrens"),
        "consent_given": personal("user.childrens"),
        "consent_not_sought_reason": personal("user.childrens", encrypted=True),
        "rationale": personal("user.childrens", encrypted=True),
        "decided_by": personal("user.unique_id", subject=Subject.STAFF),
        "decided_at": personal("user.account.settings", subject=Subject.STAFF),
        "authorised_by": personal("user.unique_id", subject=Subject.STAFF),
    },
)
declare(
    "workspaces.SharingThirdParty",
    subject=Subject.FAMILY_MEMBER,
    purpose="safeguarding_reviews",
    retention="review_record",
    description=(
        "Someone other than the child named in a sharing decision; marked when they might "
        "suffer harm if their details became known, so an access request withholds them."
    ),
    keep_on_erasure="Part of the information-sharing decision it belongs to.",
    fields={
        **not_personal("id", "row_key", "decision"),
        "description": personal("user.name", encrypted=True),
        "harm_if_disclosed": personal("user.childrens"),
        "harm_reason": personal("user.childrens", encrypted=True),
    },
)
