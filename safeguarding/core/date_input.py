"""The GOV.UK date input: day, month and year in three boxes (a time, where needed, is asked
separately). ``GovukDateField`` gives GOV.UK's error messages, naming the field:

    from_date = GovukDateField(label="From", required=False, hint="For example, 27 3 2027")

The field renders as a fieldset whose legend is the label (``forms/govuk/field.html``), and
the error summary links to the day box (``safeguarding.core.forms.error_target_id``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

PARTS = ("Day", "Month", "Year")


class GovukDateWidget(forms.MultiWidget):
    template_name = "forms/govuk/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widths = ("govuk-input--width-2", "govuk-input--width-2", "govuk-input--width-4")
        widgets = [
            forms.TextInput(attrs={"class": f"govuk-input govuk-date-input__input {width}"})
            for width in widths
        ]
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["has_error"] = bool((attrs or {}).get("aria-invalid"))
        for subwidget, label in zip(context["widget"]["subwidgets"], PARTS, strict=True):
            subwidget["label"] = label
            subwidget["attrs"].pop("aria-invalid", None)
            subwidget["attrs"].pop("aria-describedby", None)
            subwidget["attrs"]["inputmode"] = "numeric"
        return context


class GovukDateField(forms.MultiValueField):
    """A date from the three boxes, with GOV.UK's messages: "<Label> must include a month",
    "<Label> must be a real date", "Enter <label>"."""

    widget = GovukDateWidget

    def __init__(self, *, label: str, required: bool = True, hint: str = "", **kwargs: Any):
        self.what = label
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(
            fields,
            label=label,
            required=required,
            require_all_fields=False,
            help_text=hint or "For example, 27 3 2027",
            **kwargs,
        )

    def compress(self, data_list: list[Any]) -> date | None:
        parts = [str(part or "").strip() for part in (data_list or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {self.what.lower()}", code="required")
            return None
        missing = [name.lower() for name, part in zip(PARTS, parts, strict=True) if not part]
        if missing:
            raise ValidationError(
                f"{self.what} must include a {' and a '.join(missing)}", code="incomplete"
            )
        if not all(part.isdigit() for part in parts) or len(parts[2]) != 4:
            raise ValidationError(f"{self.what} must be a real date", code="invalid")
        try:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValidationError(f"{self.what} must be a real date", code="invalid") from None

    def clean(self, value: Any) -> date | None:
        # MultiValueField's own "required" and "incomplete" messages name no field; all the
        # checking is in compress.
        result = self.compress(list(value) if isinstance(value, list | tuple) else [])
        self.run_validators(result)
        return result
