"""Every path that sends personal data out of the system names a declared purpose (P06).

``require_export_purpose`` is the gate: it refuses, and audits the refusal, when the purpose
is not registered or its data use is advertising, sale or third-party sharing other than a
disclosure the law requires. There is deliberately no purpose that passes for marketing.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.inventory import purposes
from safeguarding.inventory.taxonomy import is_forbidden_use


class ExportRefused(PermissionDenied):
    """The export's stated purpose is not one the partnership may use personal data for."""


def require_export_purpose(*, purpose: str, actor: User | None, what: str) -> purposes.Purpose:
    registered = purposes.get(purpose)
    if registered is None or is_forbidden_use(registered.data_use):
        with transaction.atomic():
            audit_log(
                action="privacy.export.refused",
                actor=actor,
                details={"purpose": purpose[:100], "what": what[:100]},
            )
        raise ExportRefused(
            "Personal data can only leave the system for a declared purpose, and never for "
            "marketing or sale."
        )
    return registered
