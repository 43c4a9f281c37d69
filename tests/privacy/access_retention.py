"""Access table entries for the retention staff pages (see tests/access.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.retention import LegalHold
from tests.access import Access, only
from tests.factories import UserFactory

LEAD = Role.DATA_PROTECTION_LEAD
VIEWERS = only(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)


def an_active_hold() -> dict[str, Any]:
    placed_by = UserFactory()
    hold = LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(placed_by.pk),
        reason="Claim",
        authority="Litigation: claim ref 1",
        review_date=timezone.localdate() + timedelta(days=30),
        placed_by=placed_by,
    )
    return {"pk": hold.pk}


ACCESS: dict[str, Access] = {
    "retention:overview": Access(roles=VIEWERS),
    "retention:rule_change": Access(roles=only(LEAD), make_kwargs=lambda: {"key": "task_results"}),
    "retention:holds": Access(roles=VIEWERS),
    "retention:hold_place": Access(roles=only(LEAD)),
    "retention:hold_release": Access(roles=only(LEAD), make_kwargs=an_active_hold),
}
