"""The audit actions staff accounts write (``safeguarding.audit.actions``)."""

from safeguarding.audit.actions import register

register(
    "accounts",
    {
        "accounts.login.password_accepted": "Signed in with a password; the second step is next",
        "accounts.login.succeeded": "Signed in, both steps done",
        "accounts.login.failed": "A sign-in was refused: wrong email address or password",
        "accounts.login.throttled": "A sign-in was refused: too many recent wrong passwords",
        "accounts.login.locked_out": "A sign-in was refused: locked after wrong passwords",
        "accounts.user.signed_out": "Signed out",
        "accounts.user.created": "A staff account was created",
        "accounts.user.disabled": "A staff account was disabled",
        "accounts.user.enabled": "A disabled staff account was enabled again",
        "accounts.invitation.sent": "An invitation to set up the account was emailed",
        "accounts.invitation.resent": "A new invitation was emailed; earlier links stopped working",
        "accounts.invitation.withdrawn": "The invitation was withdrawn; its link stopped working",
        "accounts.invitation.accepted": "The invitation was accepted and a password chosen",
        "accounts.user.name_corrected": "A member of staff's name was corrected",
        "accounts.role.granted": "A role was given to a member of staff",
        "accounts.role.revoked": "A role was taken from a member of staff",
        "accounts.password.reset": "A password was reset through an emailed link",
        "accounts.mfa.enrolled": "An authenticator app was set up",
        "accounts.mfa.verified": "An authenticator code was accepted",
        "accounts.mfa.failed": "A wrong authenticator code was entered",
        "accounts.mfa.reset": "A member of staff's two-factor set-up was reset",
        "accounts.mfa.recovery_codes_replaced": "Recovery codes were replaced",
    },
)
