from __future__ import annotations

from collections.abc import Callable

import pytest

from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_log


@pytest.fixture
def write_entries(db: None) -> Callable[[int], list[AuditEntry]]:
    """Append ``count`` ordinary entries, as services would, each with a little detail."""

    def write(count: int) -> list[AuditEntry]:
        return [
            audit_log(
                action="tests.thing.changed",
                actor=None,
                target_type="tests.thing",
                target_id=n,
                reason=f"Change number {n}",
                details={"n": n},
            )
            for n in range(1, count + 1)
        ]

    return write
