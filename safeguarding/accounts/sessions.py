"""Database sessions that remember which user they belong to (see ``StaffSession``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.apps import apps
from django.contrib.sessions.backends.db import SessionStore as DBStore

if TYPE_CHECKING:
    from safeguarding.accounts.models import StaffSession


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> Any:
        # Through the app registry, as Django's own store does: the model names this store.
        return apps.get_model("accounts", "StaffSession")

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        obj = cast("StaffSession", super().create_model_instance(data))
        user_id = data.get("_auth_user_id")
        obj.user_id = int(user_id) if user_id is not None else None
        started = data.get("auth_started_at")
        obj.authenticated_at = datetime.fromisoformat(started) if isinstance(started, str) else None
        return obj
