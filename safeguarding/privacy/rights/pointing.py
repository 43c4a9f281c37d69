"""Pointing at what to withhold: the access export as staff preview it, and each withheld
item in plain words ("Booking on Working together, 25 January 2027: Organisation", with the
value held), for the person who proposes it and the second person who signs it off.

Values are read as the export writes them, so a secret is never shown here either."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from safeguarding.inventory.declarations import (
    ModelDeclaration,
    PersonalField,
    declaration_for_label,
)
from safeguarding.privacy.models.rights import RightsRequest
from safeguarding.privacy.models.rights_outcomes import WithheldItem
from safeguarding.privacy.retention.engine import effective_periods
from safeguarding.privacy.rights.export import (
    ExportedModel,
    _export_field,
    exported_models,
)
from safeguarding.privacy.rights.withholding import withheld_items


@dataclass(frozen=True)
class Pointed:
    """A record, or one field of it, in plain words, with the value held."""

    record: str
    field: str = ""
    value: str = ""

    def __str__(self) -> str:
        return f"{self.record}: {self.field}" if self.field else f"{self.record} (all of it)"


GONE = Pointed(record="A record no longer held (disposed of or erased)")


def export_preview(request: RightsRequest) -> list[ExportedModel]:
    """The export as it would go now, for staff: fields already withheld say so, and
    records already withheld whole are left out (the items are listed on the request)."""
    if request.subject_unfindable():
        return []
    return exported_models(request.subject_key(), withheld_items(request))


def field_choices(ref: str) -> list[tuple[str, str]]:
    """(name, label) of the personal fields a record of this reference's type holds."""
    declaration = declaration_for_label(ref.partition(":")[0]) if ref else None
    if declaration is None:
        return []
    model = declaration.model
    return [
        (name, str(getattr(model._meta.get_field(name), "verbose_name", name)).capitalize())
        for name, kind in declaration.fields.items()
        if isinstance(kind, PersonalField) and not kind.secret
    ]


def pointed(model_label: str, object_id: str, field_name: str = "") -> Pointed:
    """The record ``model_label``/``object_id`` (and one of its fields) in plain words, with
    the value as the export shows it. The caller has checked it is the requester's."""
    declaration = declaration_for_label(model_label)
    if declaration is None or not declaration.shows_rows:
        return GONE
    obj = _row(declaration, object_id)
    if obj is None:
        return GONE
    record = declaration.row_in_words(obj)
    if not field_name:
        return Pointed(record=record)
    resolved = next((f for f in declaration.personal_fields() if f.name == field_name), None)
    if resolved is None:
        return Pointed(record=record)
    shown = _export_field(obj, resolved, effective_periods(), withheld=False)
    return Pointed(record=record, field=shown.label, value=shown.display or "(empty)")


def _row(declaration: ModelDeclaration, object_id: str) -> models.Model | None:
    model = declaration.model
    rows = model._base_manager.all()
    if declaration.related:
        rows = rows.select_related(*declaration.related)
    try:
        return rows.filter(pk=object_id).first()
    except (ValueError, TypeError, ValidationError):
        return None


def pointed_item(item: WithheldItem) -> Pointed | None:
    """What a withheld item names, in plain words; None for something the export does not
    hold (a paper file), which its description alone says."""
    if not item.model_label:
        return None
    try:
        apps.get_model(item.model_label)
    except (LookupError, ValueError):
        return GONE
    return pointed(item.model_label, item.object_id, item.field_name)
