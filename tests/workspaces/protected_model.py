"""A test-only model with encrypted fields and a lookup hash, as a review app would have."""

from __future__ import annotations

from django.db import models

from safeguarding.core.encrypted_fields import (
    EncryptedDateField,
    EncryptedTextField,
    LookupHashField,
    RowKeyed,
)
from safeguarding.workspaces.models import Workspace


class ChildRecord(RowKeyed):
    # No database constraint: the suite empties tables between transactional tests with
    # TRUNCATE, which PostgreSQL refuses for a table that this test-only table refers to.
    workspace = models.ForeignKey(
        Workspace, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    name = EncryptedTextField()
    notes = EncryptedTextField(blank=True)
    born = EncryptedDateField(null=True, blank=True)
    nhs_number = EncryptedTextField(blank=True)
    nhs_lookup = LookupHashField()
    name_lookup = LookupHashField()

    class Meta:
        app_label = "tests_protected"

    def __str__(self) -> str:
        return f"Child record {self.pk}"
