"""What personal data staff accounts hold, and the third-party models they use."""

from __future__ import annotations

from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from safeguarding.accounts.services import staff_correct_name
from safeguarding.inventory.declarations import (
    NOT_PERSONAL,
    Correction,
    FieldDeclaration,
    declare,
    not_personal,
    personal,
    secret,
)
from safeguarding.inventory.retention_rules import Action, RetentionRule
from safeguarding.inventory.retention_rules import register as register_rule
from safeguarding.inventory.subjects import by_email
from safeguarding.inventory.taxonomy import Subject

declare(
    "accounts.User",
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="staff_account",
    retention_trigger="disabled_at",
    label="Staff account",
    describe=lambda user: "staff account",
    # The row stays (audit entries and case records point at it); who it was goes.
    anonymise={
        "email": Concat(
            Value("former-staff-"), Cast(F("id"), CharField()), Value("@removed.invalid")
        ),
        "full_name": "",
        "password": "!",  # an unusable password: Django never matches a "!" hash
        "last_login": None,
        "groups": None,
        "user_permissions": None,
    },
    subject_filter=by_email("email"),
    corrections={
        "full_name": Correction(
            "Full name",
            lambda user, value, *, actor: staff_correct_name(
                user=user, full_name=value, actor=actor
            ),
        )
    },
    fields={
        **not_personal("id", "is_superuser", "is_active", "is_staff", "is_demo"),
        "disabled_at": personal("user.account"),
        "email": personal("user.contact.email"),
        "full_name": personal("user.name"),
        "password": secret("user.authorization.password", note="Argon2 hash only"),
        "last_login": personal("user.account"),
        "date_joined": personal("user.account"),
        "groups": personal("user.account.settings", note="roles"),
        "user_permissions": personal("user.account.settings"),
    },
)
declare(
    "accounts.StaffSession",
    label="Staff sign-in session",
    subject_filter=by_email("user__email"),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="staff_session",
    retention_trigger="expire_date",
    credentials=True,  # the key in a cookie is a signed-in session
    fields={
        "session_key": secret("user.device.cookie_id"),
        "session_data": secret("user.account", note="signed-in user id and MFA state"),
        "expire_date": personal("user.account"),
        "user": personal("user.unique_id"),
        "authenticated_at": personal("user.account"),
    },
)
register_rule(
    RetentionRule(
        "staff_invitation",
        "the invitation is last sent",
        365 * 2,
        Action.DELETE,
        reason=(
            "An invitation says who invited a member of staff and when; the audit trail keeps "
            "that it happened. A link works for days, so two years is ample."
        ),
    )
)
declare(
    "accounts.StaffInvitation",
    label="Staff invitation",
    subject_filter=by_email("user__email"),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="staff_invitation",
    retention_trigger="sent_at",
    credentials=True,  # the nonce makes the emailed link work
    description="That you were invited to the staff area, by whom and when.",
    fields={
        **not_personal("id"),
        "user": personal("user.unique_id"),
        "invited_by": personal("user.unique_id", note="the administrator who invited"),
        "nonce": secret("user.authorization.credentials", note="what makes the link work"),
        "sent_at": personal("user.account"),
        "expires_at": personal("user.account"),
        "accepted_at": personal("user.account"),
        "withdrawn_at": personal("user.account"),
    },
)
# django.contrib.auth and contenttypes: roles and permissions, no personal data.
declare("auth.Group", fields=not_personal("id", "name", "permissions"))
declare("auth.Permission", fields=not_personal("id", "name", "content_type", "codename"))
declare("contenttypes.ContentType", fields=not_personal("id", "app_label", "model"))
# Django's own session table is installed but unused: sessions live in accounts_session.
declare(
    "sessions.Session",
    label="Browser session (not used)",
    subject=Subject.VISITOR,
    purpose="staff_accounts",
    retention="staff_session",
    retention_trigger="expire_date",
    credentials=True,
    fields={
        "session_key": secret("user.device.cookie_id"),
        "session_data": secret("user.account"),
        "expire_date": personal("user.account"),
    },
)

# django-otp: the second factor.
_DEVICE_COMMON: dict[str, FieldDeclaration] = {
    "id": NOT_PERSONAL,
    "user": personal("user.unique_id"),
    "name": personal("user.account.settings"),
    "confirmed": personal("user.account.settings"),
    "throttling_failure_timestamp": personal("user.authorization"),
    "throttling_failure_count": personal("user.authorization"),
    "created_at": personal("user.account"),
    "last_used_at": personal("user.account"),
}
declare(
    "otp_totp.TOTPDevice",
    label="Authenticator app",
    subject_filter=by_email("user__email"),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="mfa_device",
    retention_trigger="user__disabled_at",
    credentials=True,
    fields={
        **_DEVICE_COMMON,
        **not_personal("step", "t0", "digits", "tolerance", "drift", "last_t"),
        "key": secret("user.authorization.credentials", note="TOTP shared secret"),
    },
)
declare(
    "otp_static.StaticDevice",
    label="Set of recovery codes",
    subject_filter=by_email("user__email"),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="mfa_device",
    retention_trigger="user__disabled_at",
    credentials=True,
    fields=_DEVICE_COMMON,
)
declare(
    "otp_static.StaticToken",
    label="Recovery code",
    subject_filter=by_email("device__user__email"),
    subject=Subject.STAFF,
    purpose="staff_accounts",
    retention="mfa_device",
    retention_trigger="device__user__disabled_at",
    credentials=True,
    fields={
        **not_personal("id", "device"),
        "token": secret("user.authorization.credentials", note="keyed hash of a recovery code"),
    },
)

# django-axes: failed sign-in counters (access logs are switched off in settings).
_ATTEMPT: dict[str, FieldDeclaration] = {
    "id": NOT_PERSONAL,
    "user_agent": personal("user.device"),
    "ip_address": personal("user.device.ip_address"),
    "username": personal("user.contact.email", note="the address typed at sign-in"),
    "http_accept": personal("user.device"),
    "path_info": NOT_PERSONAL,
    "attempt_time": personal("user.authorization"),
}
for _label, _words, _extra in (
    (
        "axes.AccessAttempt",
        "Failed sign-in count",
        {
            "get_data": "user.authorization",
            "post_data": "user.authorization",
            "failures_since_start": "user.authorization",
        },
    ),
    ("axes.AccessFailureLog", "Failed sign-in", {"locked_out": "user.authorization"}),
    (
        "axes.AccessLog",
        "Sign-in record",
        {"logout_time": "user.authorization", "session_hash": "user.device.cookie_id"},
    ),
):
    declare(
        _label,
        label=_words,
        subject=Subject.STAFF,
        purpose="security",
        retention="login_attempts",
        retention_trigger="attempt_time",
        subject_filter=by_email("username__iexact"),
        fields={
            **_ATTEMPT,
            **{
                # A hash of a session's key still names a session: kept in.
                name: secret(category) if name == "session_hash" else personal(category)
                for name, category in _extra.items()
            },
        },
    )
declare(
    "axes.AccessAttemptExpiration",
    label="Sign-in lockout",
    # What was typed at sign-in is not normalised, so these match case-insensitively.
    subject_filter=by_email("access_attempt__username__iexact"),
    subject=Subject.STAFF,
    purpose="security",
    retention="login_attempts",
    retention_trigger="expires_at",
    fields={**not_personal("access_attempt"), "expires_at": personal("user.authorization")},
)
