"""The privacy engine's own records: a person, and (imported from each sub-package) the
records of callers and authorisations, disclosures, retention and rights requests."""

from __future__ import annotations

from safeguarding.inventory.declarations import (
    Correction,
    FindBy,
    declare,
    not_personal,
    personal,
)
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import Subject
from safeguarding.privacy.callers import data_inventory as callers  # noqa: F401
from safeguarding.privacy.retention import data_inventory as retention  # noqa: F401
from safeguarding.privacy.retention.people import person_retention_from
from safeguarding.privacy.rights import data_inventory as rights  # noqa: F401
from safeguarding.privacy.rights.services import person_correct_name

declare(
    "privacy.Person",
    subject=Subject.PRACTITIONER,
    purpose="rights_requests",
    retention="person",
    retention_trigger=person_retention_from,
    subject_filter=by_email("email"),
    label="Name and email address",
    describe=lambda person: "name and email address we keep with requests",
    find_by=FindBy(email="email", name="full_name"),
    corrections={
        "full_name": Correction(
            "Full name",
            lambda person, value, *, actor: person_correct_name(
                person=person, full_name=value, actor=actor
            ),
        )
    },
    keep_on_erasure=(
        "Your name and email address stay with the record of your request, and are deleted "
        "when no record about you remains."
    ),
    fields={
        **not_personal("id"),
        "email": personal("user.contact.email"),
        "full_name": personal("user.name"),
        "created_at": personal("system.operations"),
    },
)
declare("privacy.NoticeVersion", fields=not_personal("id", "digest", "published_at"))
