"""The GOV.UK date input: day, month and year in three boxes, and where a time is needed, the
time in a box of its own after them. The fields give GOV.UK's error messages, naming the field:

    from_date = GovukDateField(label="From", required=False, hint="For example, 27 3 2027")
    starts_at = GovukDateTimeField(label="Starts", what="the session's start")

The field renders as a fieldset whose legend is the label (``forms/govuk/field.html``), and
the error summary links to the day box (``safeguarding.core.forms.error_target_id``).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguarding.core.forms import CLOCK_CHANGE_TIME

PARTS = ("Day", "Month", "Year")


class GovukDateWidget(forms.MultiWidget):
    template_name = "forms/govuk/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(self.boxes(), attrs)

    def boxes(self) -> list[forms.Widget]:
        widths = ("govuk-input--width-2", "govuk-input--width-2", "govuk-input--width-4")
        return [
            forms.TextInput(attrs={"class": f"govuk-input govuk-date-input__input {width}"})
            for width in widths
        ]

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
        context["widget"]["date_parts"] = context["widget"]["subwidgets"]
        return context


class GovukDateField(forms.MultiValueField):
    """A date from the three boxes, with GOV.UK's messages: "<Label> must include a month",
    "<Label> must be a real date", "Enter <label>"."""

    widget = GovukDateWidget

    def __init__(
        self,
        *,
        label: str,
        required: bool = True,
        hint: str = "",
        what: str = "",
        required_message: str = "",
        **kwargs: Any,
    ):
        # How the messages name the date ("Date of birth must include a month").
        self.what = what or label
        self.required_message = required_message or f"Enter {self.what.lower()}"
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

    def _boxes(self, data_list: list[Any]) -> list[str] | None:
        """What was typed in each box; None if nothing was (refused where it is required)."""
        parts = [str(part or "").strip() for part in (data_list or [])]
        parts += [""] * (len(self.fields) - len(parts))
        if not any(parts):
            if self.required:
                raise ValidationError(self.required_message, code="required")
            return None
        return parts

    def compress(self, data_list: list[Any]) -> date | None:
        parts = self._boxes(data_list)
        return None if parts is None else _day(parts[:3], self.what)

    def clean(self, value: Any) -> date | None:
        # MultiValueField's own "required" and "incomplete" messages name no field; all the
        # checking is in compress.
        result = self.compress(list(value) if isinstance(value, list | tuple) else [])
        self.run_validators(result)
        return result


# --- A date and a time: the date input, then the time in its own box ----------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")
_WORDS = {"midday": time(12), "noon": time(12), "12 noon": time(12), "midnight": time(0)}


def parse_time(text: str) -> time | None:
    """A time as people type it: 14:30, 9:30, 09.30, 9:30am, 2pm, midday. None if it is not
    one."""
    text = text.strip().lower().replace(" ", "")
    if text in _WORDS:
        return _WORDS[text]
    match = _TIME.match(text)
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match.group(2) is None:  # "14" alone is not a time
        return None
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


class GovukDateTimeWidget(GovukDateWidget):
    template_name = "forms/govuk/datetime_input.html"

    def boxes(self) -> list[forms.Widget]:
        return [
            *super().boxes(),
            forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
        ]

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime):
            local = timezone.localtime(value)
            return [local.day, local.month, local.year, local.strftime("%H:%M")]
        return [None, None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.MultiWidget.get_context(self, name, value, attrs)
        context["widget"]["has_error"] = bool((attrs or {}).get("aria-invalid"))
        *date_parts, time_part = context["widget"]["subwidgets"]
        for subwidget, label in zip(date_parts, PARTS, strict=True):
            subwidget["label"] = label
            subwidget["attrs"]["inputmode"] = "numeric"
        for subwidget in context["widget"]["subwidgets"]:
            subwidget["attrs"].pop("aria-invalid", None)
            subwidget["attrs"].pop("aria-describedby", None)
        context["widget"]["date_parts"] = date_parts
        context["widget"]["time_part"] = time_part
        return context


class GovukDateTimeField(GovukDateField):
    """A moment in the partnership's time zone: the GOV.UK date input, then the time.

    ``what`` names it in messages, in lower case: ``what="the session's start"`` gives "Enter
    the session's start time", "The session's start date must include a month" and so on.
    """

    widget = GovukDateTimeWidget

    def __init__(
        self,
        *,
        label: str,
        what: str,
        required: bool = True,
        hint: str = "",
        required_message: str = "",
        **kwargs: Any,
    ):
        super().__init__(
            label=label,
            required=required,
            hint=hint or DATETIME_HINT,
            what=what,
            required_message=required_message or f"Enter {what} date and time",
            **kwargs,
        )
        self.fields = (*self.fields, forms.CharField(required=False))

    def compress(self, data_list: list[Any]) -> datetime | None:
        parts = self._boxes(data_list)
        if parts is None:
            return None
        date_parts, time_text = parts[:3], parts[3]
        if not any(date_parts):
            raise ValidationError(f"Enter {self.what} date", code="incomplete")
        day = _day(date_parts, f"{self.what[0].upper()}{self.what[1:]} date")
        if not time_text:
            raise ValidationError(f"Enter {self.what} time", code="incomplete")
        moment = parse_time(time_text)
        if moment is None:
            raise ValidationError(
                f"Enter {self.what} time like 9:30am or 14:30", code="invalid_time"
            )
        naive = datetime.combine(day, moment)
        if not _exists_once(naive):
            raise ValidationError(CLOCK_CHANGE_TIME, code="ambiguous_timezone")
        return timezone.make_aware(naive)


DATETIME_HINT = "For example, 27 3 2027, and a time like 9:30am or 14:30"


def _day(parts: list[str], what: str) -> date:
    """The date in the Day, Month and Year boxes, or GOV.UK's message naming ``what``."""
    missing = [name.lower() for name, part in zip(PARTS, parts, strict=True) if not part]
    if missing:
        raise ValidationError(f"{what} must include a {' and a '.join(missing)}", code="incomplete")
    if not all(part.isdecimal() for part in parts) or len(parts[2]) != 4:
        raise ValidationError(f"{what} must be a real date", code="invalid")
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except (ValueError, OverflowError):  # 31 2, or a day too large for C
        raise ValidationError(f"{what} must be a real date", code="invalid") from None


def _exists_once(naive: datetime) -> bool:
    """Whether a wall-clock time happens exactly once in the partnership's time zone (not in
    the hour skipped in spring, nor the hour repeated in autumn)."""
    zone = timezone.get_current_timezone()
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        return False  # happens twice
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return round_trip == naive  # False in the skipped hour
