"""The second-person rule shared by the disclosure register (P07) and written authorisations
(P12): a data protection lead or partnership administrator approves what a colleague recorded,
never what they recorded themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError

from safeguarding.accounts.roles import DATA_PROTECTION_ROLES
from safeguarding.accounts.selectors import user_has_role

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

APPROVER_ROLES = DATA_PROTECTION_ROLES


def may_approve(user: User, *, recorded_by_id: int) -> bool:
    """Whether to offer ``user`` the approve (and reject) buttons."""
    return user.pk != recorded_by_id and user_has_role(user, *APPROVER_ROLES)


def require_second_person(actor: User, *, recorded_by_id: int, what: str) -> None:
    """Raise PermissionDenied for anyone but an approver, and ValidationError (in plain words)
    for the approver who recorded ``what`` ("disclosure", "authorisation")."""
    if not user_has_role(actor, *APPROVER_ROLES):
        raise PermissionDenied
    if recorded_by_id == actor.pk:
        raise ValidationError(f"You recorded this {what}, so someone else must approve it.")
