"""Inventory declarations and purposes for retention: overrides, legal holds, receipts."""

from __future__ import annotations

from safeguarding.inventory.declarations import declare, not_personal, personal
from safeguarding.inventory.purposes import Purpose, register
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import LawfulBasis, Subject

RECORDS_MANAGEMENT = register(
    Purpose(
        key="records_management",
        name="Keeping records only as long as needed, and proving that they were disposed of",
        description=(
            "To delete or anonymise records when their retention period ends, to keep records "
            "that a court case or investigation needs for as long as it needs them, and to "
            "keep evidence of what was disposed of, when and under which rule."
        ),
        data_use="essential.legal_obligation",
        lawful_basis=LawfulBasis.LEGAL_OBLIGATION,
        recipients=("The data protection lead", "The controller's information governance team"),
    )
)

declare(
    "privacy.RetentionSetting",
    subject_filter=by_email("changed_by__email"),
    subject=Subject.STAFF,
    purpose="records_management",
    retention="retention_records",
    description="The data protection lead's changes to retention periods.",
    fields={
        **not_personal("id", "rule_key", "days", "changed_at"),
        "changed_by": personal("user.unique_id"),
        "reason": personal("user.content.private", note="free text, may name people"),
    },
)
declare(
    "privacy.RetentionProposal",
    subject_filter=by_email("proposed_by__email", "decided_by__email"),
    subject=Subject.STAFF,
    purpose="records_management",
    retention="retention_records",
    description="Shorter retention periods proposed, and who approved or rejected them.",
    fields={
        **not_personal("id", "rule_key", "from_days", "to_days", "status"),
        "reason": personal("user.content.private", note="free text, may name people"),
        "proposed_by": personal("user.unique_id"),
        "proposed_at": personal("system.operations"),
        "decided_by": personal("user.unique_id"),
        "decided_at": personal("system.operations"),
        "decision_reason": personal("user.content.private", note="free text, may name people"),
    },
)
declare(
    "privacy.LegalHold",
    subject_filter=by_email("placed_by__email", "released_by__email"),
    subject=Subject.STAFF,
    purpose="records_management",
    retention="legal_hold",
    retention_trigger="released_at",
    anonymise=(
        "scope_label",
        "reason",
        "authority",
        "placed_by",
        "released_by",
        "release_reason",
    ),
    keep_on_erasure="A legal hold is the evidence of why records had to be kept.",
    description="Holds that stop records being disposed of while a legal matter needs them.",
    fields={
        **not_personal("id", "content_type", "object_id", "review_date"),
        "scope_label": personal("user.content.private"),
        "reason": personal("user.content.private", note="free text, may name people"),
        "authority": personal("user.content.private", note="e.g. a claim reference"),
        "placed_by": personal("user.unique_id"),
        "placed_at": personal("system.operations"),
        "released_at": personal("system.operations"),
        "released_by": personal("user.unique_id"),
        "release_reason": personal("user.content.private"),
    },
)
declare(
    "privacy.HoldRelease",
    subject_filter=by_email("proposed_by__email", "decided_by__email"),
    subject=Subject.STAFF,
    purpose="records_management",
    retention="legal_hold",
    retention_trigger="decided_at",
    anonymise=("reason", "proposed_by", "decided_by", "decision_reason"),
    keep_on_erasure="A legal hold is the evidence of why records had to be kept.",
    description="Requests to release a legal hold, and who approved or rejected them.",
    fields={
        **not_personal("id", "hold", "status"),
        "reason": personal("user.content.private", note="free text, may name people"),
        "proposed_by": personal("user.unique_id"),
        "proposed_at": personal("system.operations"),
        "decided_by": personal("user.unique_id"),
        "decided_at": personal("system.operations"),
        "decision_reason": personal("user.content.private", note="free text, may name people"),
    },
)
declare(
    "privacy.DestructionReceipt",
    fields=not_personal(
        "id",
        "rule_key",
        "model_label",
        "action",
        "period_days",
        "cutoff",
        "count",
        "references_withheld",
        "cascaded",
        "started_at",
        "finished_at",
        "audit_sequence",
    ),
    description="Proof of disposal: counts and primary keys, never personal data.",
)
declare(
    "privacy.DestructionReceiptBatch",
    fields=not_personal("id", "receipt", "number", "count", "references", "disposed_at"),
)
