"""Forms the review apps reuse: an NHS number field, a document upload and an information
sharing decision, with GOV.UK error messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from safeguarding.core.date_input import GovukDateTimeField
from safeguarding.core.forms import RecordChoiceField, too_long
from safeguarding.workspaces.content_types import WRONG_TYPE
from safeguarding.workspaces.documents import check_document, read_upload
from safeguarding.workspaces.models import LawfulBasis, SpecialCondition
from safeguarding.workspaces.sharing import sharing_problems

NHS_NUMBER_REQUIRED = "Enter the NHS number"
NHS_NUMBER_FORMAT = "NHS number must be 10 digits, like 943 476 5919"
NHS_NUMBER_INVALID = "Enter a valid NHS number: check each digit against the record"


def nhs_number_digits(value: str) -> str:
    """The digits of an NHS number as people write it (spaces and hyphens allowed)."""
    return "".join(ch for ch in value if ch not in " -")


def nhs_check_digit_ok(digits: str) -> bool:
    """Modulus 11: weights 10 down to 2 on the first nine digits; 11 minus the remainder is
    the check digit (11 means 0; 10 means the number can never be valid)."""
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    digits = nhs_number_digits(value)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        raise ValidationError(NHS_NUMBER_FORMAT, code="format")
    if not nhs_check_digit_ok(digits):
        raise ValidationError(NHS_NUMBER_INVALID, code="check_digit")


class NHSNumberField(forms.CharField):
    """An NHS number, cleaned to its 10 digits. Hash it for lookups with
    ``lookup_hash("nhs_number", value)``."""

    default_error_messages = {"required": NHS_NUMBER_REQUIRED}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("label", "NHS number")
        kwargs.setdefault("help_text", "This is a 10 digit number, like 943 476 5919")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "class": "govuk-input--width-10",
                    "inputmode": "numeric",
                    "spellcheck": "false",
                    "autocomplete": "off",
                }
            ),
        )
        super().__init__(**kwargs)
        self.error_messages["max_length"] = NHS_NUMBER_FORMAT

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        return nhs_number_digits(text) if text else text

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value:
            validate_nhs_number(value)


class DocumentUploadForm(forms.Form):
    """A title and a file; the file is checked by its content (not its name) here and again
    by ``document_upload``."""

    title = forms.CharField(
        max_length=200,
        label="Title",
        help_text="What the document is, for example 'Health chronology'.",
        error_messages={
            "required": "Enter a title for the document",
            "max_length": too_long("The title", 200),
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word (DOCX), OpenDocument text (ODT) or plain text file.",
        error_messages={"required": "Select a file", "empty": "The selected file is empty"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_document(read_upload(upload))
        return upload


_YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: Any) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class SharingDecisionForm(forms.Form):
    """One information-sharing decision. Pass ``authorisers`` (the accounts that may be
    named as the authorising manager) and ``decided_by`` (the person recording it).
    ``sharing_decision_record(**form.service_arguments(), workspace=..., actor=...)``
    saves it."""

    shared = forms.TypedChoiceField(
        label="Was the information shared?",
        choices=_YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the information was shared"},
    )
    information = forms.CharField(
        label="What information was shared, or asked for",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    recipient_organisation = forms.CharField(
        label="Organisation shared with, or that asked", max_length=200, required=False
    )
    recipient_person = forms.CharField(
        label="Person shared with",
        help_text="Their name and role, where known.",
        required=False,
    )
    purpose = forms.CharField(
        label="What the information is for",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    means = forms.CharField(
        label="How it was shared",
        help_text="For example, secure email. Leave empty if it was not shared.",
        max_length=200,
        required=False,
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the lawful basis for the decision"},
    )
    special_category = forms.BooleanField(
        label="The information includes special category data, such as health",
        required=False,
    )
    special_condition = forms.ChoiceField(
        label="Condition for special category data",
        choices=[("", "Not special category"), *SpecialCondition.choices],
        required=False,
    )
    consent_sought = forms.TypedChoiceField(
        label="Was consent sought?",
        choices=_YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether consent was sought"},
    )
    consent_given = forms.TypedChoiceField(
        label="Was consent given?",
        choices=_YES_NO,
        coerce=_yes_no,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_not_sought_reason = forms.CharField(
        label="Why consent was not sought",
        help_text="For example, asking would put the child at greater risk.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    rationale = forms.CharField(
        label="Reasons for the decision",
        help_text=(
            "Consent is not needed to share information to protect a child. If you are "
            "sharing without consent, say why."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    authorised_by: RecordChoiceField = RecordChoiceField(
        label="Manager who authorised sharing without consent",
        queryset=None,
        required=False,
    )
    decided_at = GovukDateTimeField(
        label="When the decision was made",
        what="the decision's",
        hint="For example, 27 3 2027 and 2:30pm. Leave empty for now.",
        required=False,
    )

    def __init__(
        self, *args: Any, authorisers: QuerySet[Any], decided_by: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authorised_by"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = authorisers
        self.decided_by = decided_by

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        problems = sharing_problems(
            shared=data.get("shared"),
            information=data.get("information", ""),
            recipient_organisation=data.get("recipient_organisation", ""),
            purpose=data.get("purpose", ""),
            means=data.get("means", ""),
            lawful_basis=data.get("lawful_basis", ""),
            special_category=bool(data.get("special_category")),
            special_condition=data.get("special_condition", ""),
            consent_sought=data.get("consent_sought"),
            consent_given=data.get("consent_given"),
            consent_not_sought_reason=data.get("consent_not_sought_reason", ""),
            rationale=data.get("rationale", ""),
            authorised_by=data.get("authorised_by"),
            decided_by=self.decided_by,
            decided_at=data.get("decided_at"),
        )
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned data as ``sharing_decision_record`` takes it."""
        data = dict(self.cleaned_data)
        data["special_condition"] = data.get("special_condition") or ""
        return data


__all__ = [
    "WRONG_TYPE",
    "DocumentUploadForm",
    "NHSNumberField",
    "SharingDecisionForm",
    "nhs_check_digit_ok",
    "validate_nhs_number",
]
