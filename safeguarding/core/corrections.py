"""Correcting one field of a saved record, as a rectification request asks: the value is
checked as the record's own form checks it, with messages that say what to do, and only that
field is saved. Each app's correction service calls this inside its own transaction and writes
its own audit entry (see ``Correction`` in the data inventory)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from safeguarding.core.forms import too_long


def correct_text_field(obj: models.Model, field_name: str, value: str, *, label: str) -> None:
    """Set ``field_name`` of ``obj`` to ``value`` (stripped) and save that field alone.

    Raises a ValidationError in plain words; ``label`` names the field in them ("Full name").
    """
    model_field = obj._meta.get_field(field_name)
    assert isinstance(model_field, models.CharField)  # noqa: S101  (text fields only)
    value = value.strip()
    if not value:  # a correction replaces a value; removing one is an erasure
        raise ValidationError(f"Enter the {label.lower()}")
    if model_field.max_length is not None and len(value) > model_field.max_length:
        raise ValidationError(too_long(label, model_field.max_length))
    if "\n" in value or "\r" in value:
        raise ValidationError(f"Enter the {label.lower()} on one line")
    setattr(obj, field_name, value)
    obj.full_clean(exclude=[f.name for f in obj._meta.fields if f.name != field_name])
    obj.save(update_fields=[field_name])
