from __future__ import annotations

from django.db import models
from django.utils import timezone


class NoticeVersion(models.Model):
    """A published version of the generated privacy notice.

    The notice is generated from the data inventory; whenever what it says changes, its digest
    changes and a new version is recorded with the date it was first published.
    """

    digest = models.CharField(max_length=64, unique=True)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["published_at", "pk"]

    def __str__(self) -> str:
        return f"Privacy notice version {self.pk}"
