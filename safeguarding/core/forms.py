"""GOV.UK Design System rendering for every Django form, through Django's form-rendering API.

The renderer points forms and fields at ``templates/forms/govuk/`` and gives every form a
``GovukBoundField``, which adds the GOV.UK class for the widget (and its ``--error`` variant
when the field has errors). Django itself adds ``aria-invalid`` and points ``aria-describedby``
at the hint (``<id>_helptext``) and error message (``<id>_error``) that the field template
renders. Radios and checkboxes get their GOV.UK markup from the widget templates in
``templates/django/forms/widgets/``, which this renderer finds before Django's own.

A form declares only what is particular to it, for example a width modifier::

    forms.TextInput(attrs={"class": "govuk-input--width-10"})

and is rendered with ``{{ form }}``; the page includes ``includes/error_summary.html`` above
its ``<h1>``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.utils import ErrorList
from django.forms.widgets import Input
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise

from safeguarding.core.choice_widgets import render_choice_widget

# (widget class, GOV.UK class, GOV.UK error modifier), most specific first: isinstance
# decides, so a project widget that subclasses one of these is styled like its parent.
_WIDGET_CLASSES: tuple[tuple[type[forms.Widget], str, str], ...] = (
    (forms.CheckboxInput, "govuk-checkboxes__input", ""),
    (forms.Textarea, "govuk-textarea", "govuk-textarea--error"),
    (forms.Select, "govuk-select", "govuk-select--error"),
    (forms.ClearableFileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (forms.FileInput, "govuk-file-upload", "govuk-file-upload--error"),
    (Input, "govuk-input", "govuk-input--error"),
)


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"

# Django's message for a local time that does not exist (the hour skipped in March) or happens
# twice (the hour repeated in October) names the time zone; this says what to do.
CLOCK_CHANGE_TIME = (
    "This time does not exist, or happens twice, when the clocks change: enter a time an hour "
    "earlier or later"
)


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in the partnership's time zone, refusing a time that the clock change
    skips or repeats with a message that says what to do (Django's names the time zone)."""

    def to_python(self, value: Any) -> datetime | None:
        try:
            return super().to_python(value)
        except ValidationError as error:
            if error.code == "ambiguous_timezone":
                raise ValidationError(CLOCK_CHANGE_TIME, code="ambiguous_timezone") from None
            raise


# The largest id a database integer column holds (signed 64 bits). SQLite raises OverflowError,
# not a database error, when asked about a bigger one, so it is refused before any query.
LARGEST_ID = 2**63 - 1


class RecordChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only
    """A choice of one record by its id: an id no database can hold is an invalid choice."""

    def clean(self, value: Any) -> Any:
        refuse_impossible_ids(self, value)
        return super().clean(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # generic in django-stubs only
    """A choice of several records by their ids: an id no database can hold is invalid."""

    def clean(self, value: Any) -> Any:
        refuse_impossible_ids(self, value)
        return super().clean(value)


def refuse_impossible_ids(field: forms.Field, value: Any) -> None:
    values = value if isinstance(value, list | tuple) else [value]
    for item in values:
        text = str(item).strip()
        if text.lstrip("-").isdecimal() and abs(int(text)) > LARGEST_ID:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": text[:20]},
            )


class HintedRadioSelect(forms.RadioSelect):
    """Radios with a hint under some options (GOV.UK's radio item hints), so what a choice
    means is read before it is chosen: ``HintedRadioSelect(hints={"foi": "We are not ..."})``."""

    def __init__(self, *args: Any, hints: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hints = hints

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        hint = self.hints.get(str(option["value"]))
        if hint:
            option["hint"] = hint
            if option["attrs"].get("id"):
                option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}-hint"
        return option


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    """Django's, refusing a number too large for the database as "not one of the choices"
    (Django lets SQLite's OverflowError through as a server error)."""

    def _check_values(self, value: Any) -> Any:
        for each in value if isinstance(value, list | tuple) else [value]:
            text = str(each).strip().lstrip("-")
            if text.isdecimal() and int(text) > LARGEST_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": each},
                )
        return super()._check_values(value)  # type: ignore[misc]  # not in django-stubs


def one_line(what: str) -> Callable[[str], None]:
    """A validator for text that ends up in an email header (a subject, say): no line breaks,
    which could otherwise add headers or make the email fail to send."""

    def validate(value: str) -> None:
        if "\n" in value or "\r" in value:
            raise ValidationError(f"{what} must be on one line", code="one_line")

    return validate


def too_long(what: str, limit: int) -> str:
    """GOV.UK's error message for text over its limit."""
    return f"{what} must be {limit:,} characters or fewer"


def text_field(
    label: str,
    *,
    required: bool = True,
    hint: str = "",
    max_length: int = 200,
    rows: int = 0,
) -> forms.CharField:
    """Text with GOV.UK's error messages ("Enter the reason", "The reason must be 200
    characters or fewer"): one line, or a box of ``rows`` lines."""
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else None,
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "max_length": too_long(label, max_length),
        },
    )


def email_field(
    *,
    label: str = "Email address",
    help_text: str = "",
    required: bool = True,
    required_message: str = "Enter your email address",
    own_address: bool = True,
) -> forms.EmailField:
    """An email address field with GOV.UK's error messages. ``own_address``: the person is
    typing their own address, so the browser may fill it in (not when staff type someone's)."""
    attrs = {"spellcheck": "false"}
    if own_address:
        attrs["autocomplete"] = "email"
    return forms.EmailField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=254,
        widget=forms.EmailInput(attrs=attrs),
        error_messages={
            "required": required_message,
            "invalid": EMAIL_FORMAT,
            "max_length": too_long("Email address", 254),
        },
    )


def govuk_widget_classes(widget: forms.Widget, *, has_errors: bool) -> list[str]:
    """The GOV.UK classes for one widget, or none where a widget template does the work
    (radios and checkbox groups put their classes on each option) or nothing is shown."""
    if widget.is_hidden or isinstance(widget, forms.RadioSelect | forms.MultiWidget):
        return []
    for widget_class, base_class, error_class in _WIDGET_CLASSES:
        if isinstance(widget, widget_class):
            return [base_class, error_class] if has_errors and error_class else [base_class]
    return []


def error_target_id(field: BoundField) -> str:
    """The id an error summary link should move focus to: the input itself, or the first
    option of a group of radios or checkboxes (as GOV.UK's error summary expects)."""
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.MultiWidget):
        return f"{field.auto_id}_0"
    return field.id_for_label or field.auto_id


# --- Django's generic messages, in GOV.UK's words --------------------------------------------
#
# A form declares its own messages for what only it knows ("Enter the session's end time").
# Where a field is left with one of Django's own messages for a rule that needs no knowledge of
# the form (too long, not one of the choices, not a number), the page shows GOV.UK's wording
# for it instead, naming the field by its label.


def _django_classes(base: type) -> list[type]:
    found, todo = [base], [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found and sub.__module__.startswith("django."):
                found.append(sub)
                todo.append(sub)
    return found


@cache
def djangos_messages() -> frozenset[str]:
    """The message templates Django's form fields and validators come with."""
    messages: set[str] = set()
    for cls in _django_classes(forms.Field):
        for klass in cls.__mro__:
            messages.update(str(m) for m in getattr(klass, "default_error_messages", {}).values())
    for value in vars(validators).values():
        message = getattr(value, "message", None) if isinstance(value, type) else None
        if isinstance(message, str | Promise):
            messages.add(str(message))
    return frozenset(messages)


def _subject(field: BoundField) -> str:
    """How a message names the field: its label, or "The answer" where the label is a
    question or a sentence."""
    label = str(field.label or "").replace("(optional)", "").strip()
    if not label or label.endswith("?") or len(label.split()) > 6:
        return "The answer"
    return label[0].upper() + label[1:]


def plain_message(field: BoundField, error: ValidationError) -> ValidationError | str:
    """GOV.UK's message for one of Django's generic ones; anything else unchanged."""
    if str(error.message) not in djangos_messages():
        return error
    what, params, kind = _subject(field), error.params or {}, field.field
    limit = params.get("limit_value")
    plain = {
        "max_length": too_long(what, limit) if limit is not None else "",
        "min_length": f"{what} must be {limit} characters or more",
        "invalid_choice": "Choose from the list",
        "invalid_pk_value": "Choose from the list",
        "invalid_list": "Choose from the list",
        "list": "Choose from the list",
        "empty": "The selected file is empty",
        "missing": "Choose a file",
        "null_characters_not_allowed": f"{what} must not contain unusual characters",
        "min_value": f"{what} must be {limit} or more",
        "max_value": f"{what} must be {limit} or less",
        "max_digits": f"{what} must be a smaller number",
        "max_decimal_places": f"{what} must have fewer decimal places",
        "max_whole_digits": f"{what} must be a smaller number",
    }.get(str(error.code), "")
    if error.code == "invalid":
        if isinstance(kind, forms.EmailField):
            plain = EMAIL_FORMAT
        elif isinstance(kind, forms.IntegerField):
            plain = f"{what} must be a whole number"
        elif isinstance(kind, forms.DecimalField | forms.FloatField):
            plain = f"{what} must be a number"
    return plain or error


class GovukBoundField(BoundField):
    @property
    def errors(self) -> ErrorList:
        errors = super().errors
        mapped = [plain_message(self, error) for error in errors.as_data()]
        if all(isinstance(m, ValidationError) for m in mapped):
            return errors
        return self.form.error_class(
            [m if isinstance(m, str) else m.messages[0] for m in mapped],
            renderer=self.form.renderer,
        )

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        ours = govuk_widget_classes(widget, has_errors=bool(self.errors))
        if ours:
            # Extra attrs replace the widget's own, so keep the classes the form declared
            # (such as a width modifier) after ours.
            declared = str(attrs.get("class") or widget.attrs.get("class") or "").split()
            attrs["class"] = " ".join(dict.fromkeys([*ours, *declared]))
        return attrs


class GovukFormRenderer(TemplatesSetting):
    """Renders every form and field with the GOV.UK Design System templates in templates/forms/."""

    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"
    bound_field_class = GovukBoundField

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        # Dropdowns, radios and checkboxes are written without a template per option.
        written = render_choice_widget(template_name, context)
        if written is not None:
            return written
        return super().render(template_name, context, request)


def posted(request: HttpRequest) -> QueryDict | None:
    """Form data for a POST, even an empty one (so it shows its errors); None otherwise.

    ``request.POST or None`` would treat an empty POST as no submission at all.
    """
    return request.POST if request.method == "POST" else None
