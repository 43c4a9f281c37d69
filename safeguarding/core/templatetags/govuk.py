"""Template filters for GOV.UK Design System markup: ``{% load govuk %}``."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField

from safeguarding.core.forms import error_target_id

register = template.Library()


@register.filter
def govuk_error_target(field: BoundField) -> str:
    """The id an error summary link for ``field`` points at."""
    return error_target_id(field)


@register.filter
def govuk_layout(field: BoundField) -> str:
    """How ``forms/govuk/field.html`` lays out ``field``: ``fieldset`` for a group of inputs
    with a legend (radios, checkboxes, multi-part widgets), ``checkbox`` for a single
    checkbox with its label beside it, ``field`` for everything else."""
    if field.use_fieldset:
        return "fieldset"
    if isinstance(field.field.widget, forms.CheckboxInput):
        return "checkbox"
    return "field"
