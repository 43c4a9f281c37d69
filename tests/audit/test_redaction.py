"""Erasure redacts entries: the chain still verifies and the redaction itself is on record."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_log, audit_redact, audit_redact_for_target
from safeguarding.audit.verify import verify_chain
from tests.audit.helpers import tamper

pytestmark = pytest.mark.django_db

Writer = Callable[[int], list[AuditEntry]]


@pytest.fixture
def personal_entry(administrator: User) -> AuditEntry:
    return audit_log(
        action="tests.rights_request.received",
        actor=administrator,
        target_type="rights.request",
        target_id=41,
        reason="Requester Jane Example asked by phone",
        details={"requester_email": "jane@example.org"},
    )


def test_redaction_removes_details_and_reason(
    personal_entry: AuditEntry, administrator: User
) -> None:
    redacted = audit_redact(entry=personal_entry, actor=administrator, reason="Erasure request 7")

    redacted.refresh_from_db()
    assert redacted.details == {"redacted": True}
    assert redacted.reason == ""
    assert redacted.redacted_at is not None
    assert redacted.redaction_reason == "Erasure request 7"
    assert redacted.action == "tests.rights_request.received"


def test_redaction_keeps_the_chain_intact(
    write_entries: Writer, personal_entry: AuditEntry, administrator: User
) -> None:
    write_entries(3)

    audit_redact(entry=personal_entry, actor=administrator, reason="Erasure request 7")

    result = verify_chain()
    assert result.ok, result
    assert result.checked == 5


def test_redaction_is_itself_audited(personal_entry: AuditEntry, administrator: User) -> None:
    audit_redact(entry=personal_entry, actor=administrator, reason="Erasure request 7")

    record = AuditEntry.objects.get(action="audit.entry.redacted")
    assert record.actor == administrator
    assert (record.target_type, record.target_id) == (
        "audit.auditentry",
        str(personal_entry.sequence),
    )
    assert record.reason == "Erasure request 7"


def test_redacting_twice_changes_nothing_more(
    personal_entry: AuditEntry, administrator: User
) -> None:
    first = audit_redact(entry=personal_entry, actor=administrator, reason="Erasure request 7")
    second = audit_redact(entry=personal_entry, actor=administrator, reason="Again")

    assert second.redacted_at == first.redacted_at
    assert second.redaction_reason == "Erasure request 7"
    assert AuditEntry.objects.filter(action="audit.entry.redacted").count() == 1


def test_redaction_needs_a_reason(personal_entry: AuditEntry, administrator: User) -> None:
    with pytest.raises(ValidationError):
        audit_redact(entry=personal_entry, actor=administrator, reason="  ")


def test_redacting_for_a_target_redacts_only_that_targets_entries(administrator: User) -> None:
    for target_id in (41, 41, 42):
        audit_log(
            action="tests.rights_request.updated",
            actor=administrator,
            target_type="rights.request",
            target_id=target_id,
            details={"note": f"about {target_id}"},
        )

    count = audit_redact_for_target(
        target_type="rights.request", target_id=41, actor=administrator, reason="Erasure request 7"
    )

    assert count == 2
    remaining = AuditEntry.objects.filter(
        action="tests.rights_request.updated", redacted_at__isnull=True
    )
    assert [entry.target_id for entry in remaining] == ["42"]
    assert AuditEntry.objects.filter(action="audit.entry.redacted").count() == 2
    assert verify_chain().ok


def test_a_redaction_without_its_record_is_detected(write_entries: Writer) -> None:
    write_entries(3)
    tamper(
        2, details={"redacted": True}, reason="", redacted_at=timezone.now(), redaction_reason="x"
    )

    result = verify_chain()

    assert result.first_broken_sequence == 2
    assert "redacted" in result.problem


def test_rewriting_a_redacted_entrys_details_is_detected(
    personal_entry: AuditEntry, administrator: User
) -> None:
    audit_redact(entry=personal_entry, actor=administrator, reason="Erasure request 7")
    tamper(personal_entry.sequence, details={"requester_email": "someone@example.org"})

    result = verify_chain()

    assert result.first_broken_sequence == personal_entry.sequence
    assert "redacted" in result.problem
