from __future__ import annotations

from django.db import models
from django.utils import timezone


class ScheduledRun(models.Model):
    """One claimed period of a periodic job (see ``safeguarding.core.scheduler``)."""

    job = models.CharField(max_length=100)
    period = models.CharField(max_length=40)
    claimed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="one_run_per_job_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
