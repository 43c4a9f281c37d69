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


class FailedEmail(models.Model):
    """An email the worker gave up on after every retry: what kind it was and why, for the
    staff page that lists them. Never the address or the message."""

    task = models.CharField(max_length=200)  # the task's dotted path
    description = models.CharField(max_length=200)  # in plain words: "A rights request email"
    reason = models.CharField(max_length=200)  # the error's type, e.g. SMTPRecipientsRefused
    attempts = models.PositiveSmallIntegerField()
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-failed_at", "-pk"]

    def __str__(self) -> str:
        return f"Failed email {self.pk}"
