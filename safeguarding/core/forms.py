from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Renders every form and field with the GOV.UK Design System templates in templates/forms/."""

    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"
