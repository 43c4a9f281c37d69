from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import User


class Command(BaseCommand):
    help = "Demo mode only: print the current authenticator code of a demo account."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "demo_code only works in demo mode; real accounts need a real authenticator."
            )
        user = User.objects.filter(email=email.strip().lower(), is_demo=True).first()
        if user is None:
            raise CommandError("No demo account has that email address (see seed_demo's output).")
        # The confirmed device if enrolled, else the one shown on the set-up page.
        device = TOTPDevice.objects.filter(user=user).order_by("-confirmed", "-pk").first()
        if device is None:
            raise CommandError(
                "That account has not started two-factor set-up yet: "
                "sign in with the password first."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
