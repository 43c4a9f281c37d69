"""Inviting a member of staff: an emailed, single-use, expiring link to set their password.

An administrator (or ``manage.py create_first_administrator``) names the person, their email
address and roles. That creates their account, inactive and without a password, and a
``StaffInvitation`` with a random nonce. The email is written by a background task from the
invitation's id (no live link waits in the queue); the link carries a signed token of the
invitation's id and nonce. The link works until the first of:

- it is used (accepting blanks the nonce, under a row lock, so two requests cannot both use it);
- a newer invitation is sent (a new nonce: the older link no longer matches);
- the invitation expires (``STAFF_INVITATION_VALID_FOR`` after it was last sent);
- the invitation is withdrawn (the nonce is blanked and the account is marked disabled).

Accepting sets the password the person chose (Django's validators apply), makes the account
active and signs them in with the password step done; the existing two-factor set-up follows.
Nobody else ever chooses, sees or sends a password.
"""

from __future__ import annotations

import hmac
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import InvitationState, StaffInvitation, User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.services import staff_create
from safeguarding.audit.services import audit_log
from safeguarding.core import links
from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import email_task, enqueue_in_transaction, header_text

LINK_PURPOSE = "staff-invitation"

USED_OR_REPLACED = (
    "This invitation link has been used, withdrawn or replaced by a newer one. If you still "
    "need to set up your account, ask a partnership administrator to invite you again."
)
EXPIRED = "This invitation link has expired. Ask a partnership administrator to send you a new one."
EMAIL_IN_USE = "There is already a staff account with this email address"


def _new_nonce() -> str:
    return secrets.token_urlsafe(24)


def invitation_link(invitation: StaffInvitation) -> str:
    """The link for the invitation's current nonce, on SITE_URL."""
    token = links.make_token(
        purpose=LINK_PURPOSE, payload={"invitation": invitation.pk, "nonce": invitation.nonce}
    )
    return absolute_url(reverse("accounts:invitation_accept", args=[token]))


@transaction.atomic(durable=True)
def staff_invite(
    *, email: str, full_name: str, roles: list[Role], actor: User | None
) -> StaffInvitation:
    """Create the person's account (inactive, no password) and email them an invitation."""
    return _invite(email=email, full_name=full_name, roles=roles, actor=actor)


def _invite(
    *, email: str, full_name: str, roles: list[Role], actor: User | None
) -> StaffInvitation:
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": EMAIL_IN_USE})
    user = staff_create(
        email=email,
        full_name=full_name.strip(),
        password=None,
        roles=roles,
        actor=actor,
        invited=True,
    )
    invitation = StaffInvitation(user=user, invited_by=actor)
    return _send(invitation, actor=actor, first=True)


@transaction.atomic(durable=True)
def invitation_resend(*, invitation: StaffInvitation, actor: User | None) -> StaffInvitation:
    """A new link (the older one stops working), valid for the full period from now. Also
    re-opens a withdrawn or expired invitation. Refused once the invitation was accepted."""
    return _resend(invitation, actor=actor)


def _resend(invitation: StaffInvitation, *, actor: User | None) -> StaffInvitation:
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has been accepted; the account is set up.")
    user = invitation.user
    if user.disabled_at is not None:  # withdrawn: the account is back to waiting
        user.disabled_at = None
        user.save(update_fields=["disabled_at"])
    invitation.withdrawn_at = None
    invitation.invited_by = actor or invitation.invited_by
    return _send(invitation, actor=actor, first=False)


class AdministratorExists(Exception):
    """The installation has an active partnership administrator: they invite people now."""


def an_administrator_exists() -> bool:
    return User.objects.filter(
        is_active=True, groups__name=str(Role.PARTNERSHIP_ADMINISTRATOR)
    ).exists()


@transaction.atomic(durable=True)
def first_administrator_invite(*, name: str, email: str) -> StaffInvitation:
    """Invite the first partnership administrator of a new installation. Run again for the
    same address before they accept, it sends a new link. Refused (``AdministratorExists``)
    once an active administrator exists, checked inside the transaction."""
    if an_administrator_exists():
        raise AdministratorExists
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        return _invite(
            email=email, full_name=name, roles=[Role.PARTNERSHIP_ADMINISTRATOR], actor=None
        )
    invitation = StaffInvitation.objects.filter(user=existing, accepted_at=None).first()
    is_administrator = existing.groups.filter(name=str(Role.PARTNERSHIP_ADMINISTRATOR))
    if invitation is None or not is_administrator.exists():
        raise ValidationError(
            f"There is already a staff account for {email}. Use another email address."
        )
    return _resend(invitation, actor=None)


def _send(invitation: StaffInvitation, *, actor: User | None, first: bool) -> StaffInvitation:
    invitation.nonce = _new_nonce()
    invitation.sent_at = timezone.now()
    invitation.expires_at = invitation.sent_at + settings.STAFF_INVITATION_VALID_FOR
    invitation.save()
    audit_log(
        action="accounts.invitation.sent" if first else "accounts.invitation.resent",
        actor=actor,
        target=invitation.user,
        details={"expires_at": invitation.expires_at.isoformat()},
    )
    enqueue_in_transaction(send_invitation, invitation_id=invitation.pk)
    return invitation


@transaction.atomic(durable=True)
def invitation_withdraw(*, invitation: StaffInvitation, actor: User, reason: str = "") -> None:
    """The link stops working and the account, never used, is treated as disabled (so the
    retention rule for disabled accounts applies to it)."""
    invitation = StaffInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(
            "This invitation has been accepted; disable the account instead if you need to."
        )
    if invitation.withdrawn_at is not None:
        raise ValidationError("This invitation has already been withdrawn.")
    now = timezone.now()
    invitation.withdrawn_at = now
    invitation.nonce = ""
    invitation.save(update_fields=["withdrawn_at", "nonce"])
    user = invitation.user
    user.disabled_at = now
    user.save(update_fields=["disabled_at"])
    audit_log(action="accounts.invitation.withdrawn", actor=actor, target=user, reason=reason)


def invitation_from_link(token: str) -> StaffInvitation:
    """The invitation a link is for, if the link still works; raises ``links.BadLink`` with
    a message to show."""
    payload = links.read_token(
        token, purpose=LINK_PURPOSE, max_age=settings.STAFF_INVITATION_VALID_FOR
    )
    invitation_id, nonce = payload.get("invitation"), payload.get("nonce")
    invitation = (
        StaffInvitation.objects.select_related("user").filter(pk=invitation_id).first()
        if isinstance(invitation_id, int) and isinstance(nonce, str) and nonce
        else None
    )
    if invitation is None or not hmac.compare_digest(invitation.nonce, str(nonce)):
        raise links.BadLink(USED_OR_REPLACED)
    state = invitation.state()
    if state is InvitationState.EXPIRED:
        raise links.BadLink(EXPIRED)
    if state is not InvitationState.WAITING:
        raise links.BadLink(USED_OR_REPLACED)
    return invitation


def invitation_accept(*, token: str, password: str) -> User:
    """Set the person's password from their invitation link, which then stops working.
    Raises ``links.BadLink`` (nothing changes) or ValidationError for a password Django's
    validators refuse (the link still works, to try again)."""
    with transaction.atomic(durable=True):
        found = invitation_from_link(token)
        # Locks the invitation: of two requests using the link at once, the second waits,
        # then finds the nonce gone.
        invitation = StaffInvitation.objects.select_for_update().get(pk=found.pk)
        if invitation.nonce != found.nonce or invitation.state() is not InvitationState.WAITING:
            raise links.BadLink(USED_OR_REPLACED)
        user = invitation.user
        validate_password(password, user)
        user.set_password(password)
        user.is_active = True
        user.disabled_at = None
        user.save(update_fields=["password", "is_active", "disabled_at"])
        invitation.accepted_at = timezone.now()
        invitation.nonce = ""
        invitation.save(update_fields=["accepted_at", "nonce"])
        audit_log(action="accounts.invitation.accepted", actor=user, target=user)
    return user


@email_task("An invitation to set up a staff account")
def send_invitation(*, invitation_id: int) -> int:
    """Email the invitation's current link, made now. Nothing is sent for an invitation that
    was accepted, withdrawn or has expired meanwhile; a newer one sends its own email."""
    invitation = StaffInvitation.objects.select_related("user", "invited_by").filter(
        pk=invitation_id
    )
    current = invitation.first()
    if current is None or not current.nonce or current.state() is not InvitationState.WAITING:
        return 0
    context = {
        "name": current.user.full_name,
        "link": invitation_link(current),
        "expires_at": timezone.localtime(current.expires_at),
        "partnership": settings.PARTNERSHIP,
        "invited_by": current.invited_by.full_name if current.invited_by else "",
    }
    message = EmailMultiAlternatives(
        subject=header_text(render_to_string("accounts/email/invitation_subject.txt", context)),
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[current.user.email],
    )
    return message.send()
