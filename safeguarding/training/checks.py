"""System checks for training's settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from safeguarding.training.models import Attendance


@register()
def certificate_statuses_check(**_kwargs: Any) -> list[CheckMessage]:
    """TRAINING_CERTIFICATE_STATUSES must name attendance marks that exist."""
    unknown = [
        status
        for status in settings.TRAINING_CERTIFICATE_STATUSES
        if status not in Attendance.values or status == Attendance.ABSENT
    ]
    if not unknown:
        return []
    return [
        Error(
            f"TRAINING_CERTIFICATE_STATUSES has {', '.join(unknown)}: use present, late or "
            "left_early.",
            id="training.E001",
        )
    ]
