"""Signing in and out: each step's session change, throttle bookkeeping and audit entry, in
one place (the views only choose where to go next).

Sign-in is bound to the request by nature (Django's session and the device the person just
proved), so these services take it; everything else they do is what a service does: one
transaction, one audit entry.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.models import Device

from safeguarding.accounts import services, throttle
from safeguarding.accounts.middleware import SESSION_STARTED_KEY
from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log

NEXT_KEY = "after_mfa_next"


def password_accepted(*, request: HttpRequest, user: User, next_url: str | None) -> None:
    """The first step is done: a new session (as Django always makes), the time it started,
    where to go once the second factor is done, and the failures forgotten."""
    throttle.clear(user.email)
    with transaction.atomic(durable=True):
        auth_login(request, user)
        request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()
        if next_url:
            request.session[NEXT_KEY] = next_url
        audit_log(action="accounts.login.password_accepted", actor=user, target=user)


def sign_in_refused(*, email: str, locked: bool, throttled: bool, wrong: bool) -> None:
    """A refused sign-in: counted towards the account's delays when the password was wrong
    (not when the account or address was already held back), and audited without naming an
    address that has no account."""
    if email and wrong and not (locked or throttled):
        throttle.record_failure(email)
    known = get_user_model().objects.filter(email=email).first() if email else None
    if locked:
        action = "accounts.login.locked_out"
    elif throttled:
        action = "accounts.login.throttled"
    else:
        action = "accounts.login.failed"
    audit_log(
        action=action,
        actor=None,
        target_type="accounts.user" if known else None,
        target_id=known.pk if known else None,
        details={} if known else {"account": "unknown"},
    )


def second_factor_done(*, request: HttpRequest, user: User, device: Device) -> None:
    """The person is now fully signed in: a new session key, so a key seen while they were
    half signed in (password only) is worth nothing; the old row is deleted."""
    otp_login(request, device)
    request.session.cycle_key()
    audit_log(action="accounts.login.succeeded", actor=user, target=user)


def sign_out(*, request: HttpRequest) -> None:
    """End the session server-side (the row is deleted), audited when someone was signed in."""
    if request.user.is_authenticated:
        audit_log(action="accounts.user.signed_out", actor=request.user, target=request.user)
    auth_logout(request)


def password_reset_done(*, user: User) -> None:
    """After a reset through an emailed link: every session of the account ends."""
    services.sessions_end_for_user(user=user)
    audit_log(action="accounts.password.reset", actor=user, target=user)
