"""Access table entries for the staff accounts URLs (see tests/access.py)."""

from __future__ import annotations

from typing import Any

from safeguarding.accounts import invitations
from safeguarding.accounts.roles import ALL_ROLES, Role
from tests.access import LOGIN, MFA_SETUP, PUBLIC, Access, acted_on, only
from tests.factories import UserFactory

ADMINISTRATOR = Role.PARTNERSHIP_ADMINISTRATOR


def an_invited_person() -> dict[str, Any]:
    invitation = invitations.staff_invite(
        email=f"invited{UserFactory().pk}@example.invalid",
        full_name="Invited Person",
        roles=[Role.TRAINER],
        actor=None,
    )
    return {"pk": invitation.user_id}


def a_disabled_person() -> dict[str, Any]:
    return {"pk": UserFactory(is_active=False).pk}


def a_waiting_invitation_link() -> dict[str, Any]:
    invitation = invitations.staff_invite(
        email=f"link{UserFactory().pk}@example.invalid",
        full_name="Linked Person",
        roles=[Role.TRAINER],
        actor=None,
    )
    return {"token": invitations.invitation_link(invitation).rstrip("/").rsplit("/", 1)[-1]}


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
    "accounts:people": Access(roles=only(ADMINISTRATOR)),
    "accounts:failed_emails": Access(roles=only(ADMINISTRATOR)),
    "accounts:person_invite": Access(roles=only(ADMINISTRATOR)),
    "accounts:invitations": Access(roles=only(ADMINISTRATOR)),
    "accounts:person": Access(needs_target=True, roles=only(ADMINISTRATOR)),
    "accounts:person_roles": Access(needs_target=True, roles=only(ADMINISTRATOR)),
    "accounts:person_disable": Access(needs_target=True, roles=only(ADMINISTRATOR)),
    "accounts:person_enable": Access(make_kwargs=a_disabled_person, roles=only(ADMINISTRATOR)),
    "accounts:person_reset_mfa": Access(needs_target=True, roles=only(ADMINISTRATOR)),
    "accounts:invitation_resend": Access(
        method="post", make_kwargs=an_invited_person, roles=acted_on(ADMINISTRATOR)
    ),
    "accounts:invitation_withdraw": Access(
        make_kwargs=an_invited_person, roles=only(ADMINISTRATOR)
    ),
    # Anyone holding a working link may use it, signed in or not (it signs them in as the
    # invited person once they have chosen a password).
    "accounts:invitation_accept": Access(
        make_kwargs=a_waiting_invitation_link,
        anonymous=200,
        no_mfa=200,
        roles=dict.fromkeys(ALL_ROLES, 200),
    ),
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": Access(
        anonymous=200, no_mfa=200, roles=dict.fromkeys(ALL_ROLES, 200)
    ),
    "accounts:password_reset_complete": PUBLIC,
}
