"""TOTP enrolment and recovery codes, on top of django-otp's devices.

Recovery codes are shown once and stored only as keyed hashes: django-otp's static device
matches the stored token exactly, so we store ``code_digest(code)`` and verify the digest of
what the person types. Its throttling and one-time consumption then work unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import User

RECOVERY_DEVICE_NAME = "recovery codes"
TOTP_DEVICE_NAME = "authenticator app"


def code_digest(code: str) -> str:
    normalised = code.replace("-", "").replace(" ", "").lower()
    mac = hmac.new(settings.SECRET_KEY.encode(), normalised.encode(), hashlib.sha256)
    return mac.hexdigest()[:16]  # StaticToken.token holds 16 characters


def new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()[:10]
    return f"{raw[:5]}-{raw[5:]}"


def replace_recovery_codes(user: User) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [new_recovery_code() for _ in range(settings.MFA_RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code_digest(code)) for code in codes
    )
    return codes


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one until it is confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def text_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    import segno  # here, not at the top: only the page that shows a new authenticator needs it

    return str(segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2))
