from __future__ import annotations

from django.db import models
from django.utils import timezone

from safeguarding.core.addresses import normalise_email


class Person(models.Model):
    """Someone the partnership holds data about, as the privacy engine knows them.

    Rights requests, security questions, authorisations and disclosures hang off a Person.
    Records in other apps (bookings, subscriptions) find their Person by email address
    through their inventory declaration's ``subject_filter``.
    """

    email = models.EmailField(unique=True, null=True, blank=True)
    full_name = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["full_name", "pk"]

    def __str__(self) -> str:
        return self.full_name or f"Person {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.email:
            self.email = normalise_email(self.email)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
