"""How a member of staff's password is checked: Django's, except that the invented demo
accounts (``seed_demo``) can never sign in to a production deployment, even if a database
that has them is moved there. Their passwords are printed by ``make run``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        if getattr(user, "is_demo", False) and settings.DEPLOYMENT == "production":
            return False
        return super().user_can_authenticate(user)
