"""State changes to staff accounts. Each is one transaction with its own audit entry."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts import mfa
from safeguarding.accounts.models import StaffSession, User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.tasks import send_recovery_codes_replaced
from safeguarding.audit.services import audit_log
from safeguarding.core.corrections import correct_text_field
from safeguarding.core.tasks import enqueue_in_transaction


@transaction.atomic
def staff_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    roles: list[Role],
    actor: User | None,
    is_demo: bool = False,
    invited: bool = False,
) -> User:
    """An account with these roles. ``invited``: inactive, without a password, until the
    person accepts their invitation (``accounts.invitations``)."""
    user = User(
        email=email.strip().lower(), full_name=full_name, is_demo=is_demo, is_active=not invited
    )
    user.set_password(None if invited else password)
    user.full_clean()
    user.save()
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=str(role))[0])
    details: dict[str, object] = {"roles": sorted(str(role) for role in roles)}
    if invited:
        details["invited"] = True
    audit_log(action="accounts.user.created", actor=actor, target=user, details=details)
    return user


def sessions_end_for_user(*, user: User) -> int:
    """Delete every server-side session of the user; their cookies then mean nothing."""
    deleted, _ = StaffSession.objects.filter(user=user).delete()
    return deleted


NOT_YOUR_OWN_ROLES = "You cannot change your own roles. Ask another partnership administrator."
NOT_YOUR_OWN_ACCOUNT = "You cannot disable your own account. Ask another partnership administrator."
LAST_ADMINISTRATOR = (
    "{name} is the only partnership administrator left. Give another person the partnership "
    "administrator role first, so that someone can still manage people and access."
)


def _administrators_other_than(user: User) -> int:
    """Active partnership administrators other than ``user``, their rows locked: two
    administrators removing each other at once cannot both succeed (the second waits, then
    counts again)."""
    others = User.objects.select_for_update().filter(
        is_active=True, groups__name=str(Role.PARTNERSHIP_ADMINISTRATOR)
    )
    return len(list(others.exclude(pk=user.pk).values_list("pk", flat=True)))


def _is_administrator(user: User) -> bool:
    return user.groups.filter(name=str(Role.PARTNERSHIP_ADMINISTRATOR)).exists()


def _ensure_an_administrator_remains(user: User) -> None:
    if user.is_active and _is_administrator(user) and _administrators_other_than(user) == 0:
        raise ValidationError(LAST_ADMINISTRATOR.format(name=user.full_name or user.email))


@transaction.atomic(durable=True)
def staff_deactivate(*, user: User, actor: User, reason: str) -> None:
    """Disable the account and end every one of its sessions. Never one's own account, nor
    the last active partnership administrator."""
    if not reason.strip():
        raise ValidationError("Give a reason for disabling the account.")
    if user.pk == actor.pk:
        raise ValidationError(NOT_YOUR_OWN_ACCOUNT)
    User.objects.select_for_update().filter(pk=user.pk).first()  # lock, then read afresh
    user.refresh_from_db()
    if not user.is_active:
        raise ValidationError("This account is already disabled.")
    _ensure_an_administrator_remains(user)
    user.is_active = False
    user.disabled_at = timezone.now()
    user.save(update_fields=["is_active", "disabled_at"])
    ended = sessions_end_for_user(user=user)
    audit_log(
        action="accounts.user.disabled",
        actor=actor,
        target=user,
        reason=reason,
        details={"sessions_ended": ended},
    )


@transaction.atomic(durable=True)
def staff_reactivate(*, user: User, actor: User, reason: str) -> None:
    """Re-enable a disabled account that had been set up (one whose invitation was never
    accepted is invited again instead). The person signs in as before; if their
    authenticator was removed meanwhile, they set it up again."""
    if not reason.strip():
        raise ValidationError("Give a reason for re-enabling the account.")
    User.objects.select_for_update().filter(pk=user.pk).first()
    user.refresh_from_db()
    if user.is_active:
        raise ValidationError("This account is already active.")
    if not user.has_usable_password():
        raise ValidationError(
            "This account was never set up. Send the person a new invitation instead."
        )
    user.is_active = True
    user.disabled_at = None
    user.save(update_fields=["is_active", "disabled_at"])
    audit_log(action="accounts.user.enabled", actor=actor, target=user, reason=reason)


@transaction.atomic(durable=True)
def roles_set(*, user: User, roles: list[Role], actor: User, reason: str = "") -> list[str]:
    """Give the person exactly ``roles``: one audit entry per role given or taken. Nobody
    changes their own roles, and the last active partnership administrator keeps theirs.
    Returns the changes in words, for the confirmation."""
    if user.pk == actor.pk:
        raise ValidationError(NOT_YOUR_OWN_ROLES)
    User.objects.select_for_update().filter(pk=user.pk).first()
    user.refresh_from_db()
    wanted = {str(role) for role in roles}
    held = set(user.role_names)
    if str(Role.PARTNERSHIP_ADMINISTRATOR) in held - wanted:
        _ensure_an_administrator_remains(user)
    changes: list[str] = []
    for name in sorted(wanted - held):
        role_grant(user=user, role=Role(name), actor=actor, reason=reason)
        changes.append(f"given the {name.lower()} role")
    for name in sorted(held - wanted):
        if name in {str(role) for role in Role}:
            role_revoke(user=user, role=Role(name), actor=actor, reason=reason)
            changes.append(f"no longer has the {name.lower()} role")
    return changes


@transaction.atomic
def role_grant(*, user: User, role: Role, actor: User, reason: str) -> None:
    user.groups.add(Group.objects.get_or_create(name=str(role))[0])
    audit_log(
        action="accounts.role.granted",
        actor=actor,
        target=user,
        reason=reason,
        details={"role": str(role)},
    )


@transaction.atomic
def role_revoke(*, user: User, role: Role, actor: User, reason: str) -> None:
    user.groups.remove(*Group.objects.filter(name=str(role)))
    audit_log(
        action="accounts.role.revoked",
        actor=actor,
        target=user,
        reason=reason,
        details={"role": str(role)},
    )


# --- MFA ---------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def mfa_confirm_enrolment(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm a new authenticator with a first code; returns fresh recovery codes."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not device.verify_token(code.strip()):
        raise ValidationError("The code is not correct or has expired. Enter the current code.")
    # One authenticator per person: enrolling a new one retires any other.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = mfa.replace_recovery_codes(user)
    audit_log(action="accounts.mfa.enrolled", actor=user, target=user)
    return codes


def mfa_verify(*, user: User, code: str) -> str | None:
    """Check a second-factor code; returns the device's persistent id, or None.

    A TOTP code is accepted once (django-otp refuses a time step at or before the last one
    used); a recovery code is consumed. The row lock stops two requests racing one code.
    """
    code = code.strip()
    with transaction.atomic(durable=True):
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        digits = code.replace(" ", "")
        if device and digits.isdigit() and device.verify_token(digits):
            audit_log(
                action="accounts.mfa.verified",
                actor=user,
                target=user,
                details={"method": "totp"},
            )
            return str(device.persistent_id)
        recovery = StaticDevice.objects.select_for_update().filter(user=user).first()
        if recovery and not digits.isdigit() and recovery.verify_token(mfa.code_digest(code)):
            audit_log(
                action="accounts.mfa.verified",
                actor=user,
                target=user,
                details={"method": "recovery_code", "codes_left": recovery.token_set.count()},
            )
            return str(recovery.persistent_id)
    # Outside the block above so the failure is recorded even though nothing else changed.
    audit_log(action="accounts.mfa.failed", actor=user, target=user)
    return None


WRONG_CODE = "The code is not correct, has been used already, or has expired."


@transaction.atomic(durable=True)
def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes, the old ones void. Only with a current code from the person's
    authenticator app (a session left open is not enough to mint codes), and the person is
    told by email."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(code.strip()):
        raise ValidationError(WRONG_CODE)
    codes = mfa.replace_recovery_codes(user)
    audit_log(action="accounts.mfa.recovery_codes_replaced", actor=user, target=user)
    enqueue_in_transaction(send_recovery_codes_replaced, user_id=user.pk)
    return codes


@transaction.atomic(durable=True)
def mfa_reset(*, user: User, actor: User, reason: str) -> None:
    """For a lost phone: remove the person's devices and sessions; they enrol again."""
    if not reason.strip():
        raise ValidationError("Give a reason for resetting two-factor authentication.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    sessions_end_for_user(user=user)
    audit_log(action="accounts.mfa.reset", actor=actor, target=user, reason=reason)


@transaction.atomic
def staff_correct_name(*, user: User, full_name: str, actor: User) -> None:
    """Correct a member of staff's name (a rectification request, or an administrator)."""
    correct_text_field(user, "full_name", full_name, label="Full name")
    audit_log(
        action="accounts.user.name_corrected", actor=actor, target=user, details={"field": "name"}
    )
