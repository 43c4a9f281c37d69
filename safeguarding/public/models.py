from __future__ import annotations

from django.db import models
from django.utils import timezone

NAME_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 5000


class EnquiryKind(models.TextChoices):
    GENERAL = "general", "A general question"
    TRAINING = "training", "Training"
    NEWSLETTER = "newsletter", "The newsletter"
    MY_DATA = "my_data", "The information you hold about me"
    FREEDOM_OF_INFORMATION = "foi", "A Freedom of Information request"


class Enquiry(models.Model):
    """A message sent with the contact form, forwarded to the business unit's inbox.

    Freedom of Information requests are never stored: the form answers them at once (P15).
    Deleted a year after it was received (retention rule ``enquiry``).
    """

    kind = models.CharField(max_length=20, choices=EnquiryKind.choices)
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    email = models.EmailField(max_length=254, db_index=True)  # stored normalised
    message = models.TextField(max_length=MESSAGE_MAX_LENGTH)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name_plural = "enquiries"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="foi"), name="public_enquiry_never_an_foi_request"
            )
        ]

    def __str__(self) -> str:
        return f"Enquiry {self.pk} ({self.kind})"
