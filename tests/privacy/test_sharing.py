"""P06: personal data leaves only for a declared purpose, never for marketing."""

from __future__ import annotations

import pytest

from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.rights.sharing import ExportRefused, require_export_purpose

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("purpose", ["marketing", "third_party_marketing", ""])
def test_an_export_for_an_undeclared_purpose_is_refused_and_audited(
    purpose: str, colleague
) -> None:
    with pytest.raises(ExportRefused):
        require_export_purpose(purpose=purpose, actor=colleague, what="training list")

    entry = AuditEntry.objects.get(action="privacy.export.refused")
    assert entry.actor_id == colleague.pk


def test_an_export_for_a_declared_purpose_is_allowed(colleague) -> None:
    assert (
        require_export_purpose(purpose="rights_requests", actor=colleague, what="access").key
        == "rights_requests"
    )
    assert not AuditEntry.objects.filter(action="privacy.export.refused").exists()
