"""Access table entries for the staff accounts URLs (see tests/access.py)."""

from __future__ import annotations

from safeguarding.accounts.roles import ALL_ROLES, Role
from tests.access import LOGIN, MFA_SETUP, PUBLIC, Access, only

ACCESS: dict[str, Access] = {
    "accounts:dashboard": Access(),
    "accounts:login": PUBLIC,
    "accounts:logout": Access(
        method="post", anonymous=LOGIN, no_mfa=LOGIN, roles=dict.fromkeys(ALL_ROLES, 302)
    ),
    "accounts:mfa_setup": Access(anonymous=LOGIN, no_mfa=200, roles=dict.fromkeys(ALL_ROLES, 302)),
    "accounts:mfa_verify": Access(
        anonymous=LOGIN, no_mfa=MFA_SETUP, roles=dict.fromkeys(ALL_ROLES, 302)
    ),
    "accounts:recovery_codes": Access(),
    "accounts:people": Access(roles=only(Role.PARTNERSHIP_ADMINISTRATOR)),
    "accounts:failed_emails": Access(roles=only(Role.PARTNERSHIP_ADMINISTRATOR)),
    "accounts:person_disable": Access(
        needs_target=True, roles=only(Role.PARTNERSHIP_ADMINISTRATOR)
    ),
    "accounts:person_reset_mfa": Access(
        needs_target=True, roles=only(Role.PARTNERSHIP_ADMINISTRATOR)
    ),
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": Access(
        anonymous=200, no_mfa=200, roles=dict.fromkeys(ALL_ROLES, 200)
    ),
    "accounts:password_reset_complete": PUBLIC,
}
