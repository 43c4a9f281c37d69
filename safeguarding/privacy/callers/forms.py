"""Forms for security questions, caller checks, authorisations and the disclosure register.

They check shape only; the services in ``identity_services`` decide.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from safeguarding.core.date_input import GovukDateField
from safeguarding.core.forms import email_field
from safeguarding.privacy.callers.services import (
    MIN_ANSWER_LENGTH,
    MIN_QUESTIONS,
    normalise_answer,
)
from safeguarding.privacy.models.identity import LegalBasis, Question

QUESTION_SLOTS = 5
TEXT_WIDGET = forms.Textarea(attrs={"rows": 3})
ANSWER_ATTRS = {"autocomplete": "off", "spellcheck": "false", "class": "govuk-input--width-20"}


def _date_field(label: str, help_text: str) -> GovukDateField:
    return GovukDateField(
        label=label,
        hint=help_text,
        what=f"The {label.lower()}",
        required_message=f"Enter the {label.lower()}",
    )


# --- Public: setting security questions ---------------------------------------------------------


class SecurityQuestionsEmailForm(forms.Form):
    email = email_field(
        required_message="Enter an email address",
        help_text="We will email you a link to set your security questions.",
    )


class SecurityQuestionsForm(forms.Form):
    """Up to five question and answer pairs; at least three, each question once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a question"), *Question.choices]
        for slot in range(1, QUESTION_SLOTS + 1):
            required = slot <= MIN_QUESTIONS
            self.fields[f"question_{slot}"] = forms.ChoiceField(
                label=f"Question {slot}",
                choices=choices,
                required=required,
                error_messages={"required": f"Choose question {slot}"},
            )
            self.fields[f"answer_{slot}"] = forms.CharField(
                label=f"Your answer to question {slot}",
                required=required,
                max_length=100,
                strip=True,
                widget=forms.TextInput(attrs=ANSWER_ATTRS),
                error_messages={"required": f"Enter your answer to question {slot}"},
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        answers: dict[str, str] = {}
        for slot in range(1, QUESTION_SLOTS + 1):
            if f"question_{slot}" in self.errors or f"answer_{slot}" in self.errors:
                continue  # already told what is missing
            question = cleaned.get(f"question_{slot}") or ""
            answer = cleaned.get(f"answer_{slot}") or ""
            if not question and not answer:
                continue
            if not question:
                self.add_error(f"question_{slot}", f"Choose question {slot} for your answer")
            elif not answer:
                self.add_error(f"answer_{slot}", f"Enter your answer to question {slot}")
            elif len(normalise_answer(answer)) < MIN_ANSWER_LENGTH:
                self.add_error(
                    f"answer_{slot}",
                    f"Your answer to question {slot} needs at least {MIN_ANSWER_LENGTH} letters "
                    "or numbers",
                )
            elif question in answers:
                self.add_error(
                    f"question_{slot}", f"Choose a different question {slot}: each only once"
                )
            else:
                answers[question] = answer
        if not self.errors and len(answers) < MIN_QUESTIONS:
            raise forms.ValidationError(
                f"Choose and answer at least {MIN_QUESTIONS} different questions"
            )
        cleaned["answers"] = answers
        return cleaned


# --- Staff: caller checks -----------------------------------------------------------------------


class FindPersonForm(forms.Form):
    email = email_field(
        required_message="Enter an email address",
        label="Caller's email address",
        help_text="The exact address we hold for them.",
    )


class CallerAnswersForm(forms.Form):
    def __init__(self, *args: Any, questions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, text in questions:
            self.fields[f"answer_{key}"] = forms.CharField(
                label=text,
                max_length=100,
                widget=forms.TextInput(attrs=ANSWER_ATTRS),
                error_messages={"required": f"Enter the caller's answer to: {text}"},
            )
        self.question_keys = [key for key, _ in questions]

    def answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"answer_{key}"] for key in self.question_keys}


class OneOffAuthorisationForm(forms.Form):
    authorised_party = forms.CharField(
        label="Who may we speak to?",
        help_text="Their name and relationship to the caller, for example Sam Jones, husband.",
        max_length=200,
        error_messages={"required": "Enter who we may speak to"},
    )
    scope = forms.CharField(
        label="What may we discuss with them?",
        max_length=2000,
        widget=TEXT_WIDGET,
        error_messages={"required": "Enter what we may discuss"},
    )


class WrittenAuthorisationForm(OneOffAuthorisationForm):
    """A one-off authorisation's fields, plus who gave it, where it is filed and when it ends."""

    field_order = ["email", "authorised_party", "scope", "document_reference", "expires_on"]

    email = email_field(
        required_message="Enter an email address",
        label="Email address of the person giving the authorisation",
    )
    document_reference = forms.CharField(
        label="Document reference",
        help_text="Where the signed authorisation is filed.",
        max_length=100,
        error_messages={"required": "Enter the document reference"},
    )
    expires_on = _date_field("Expiry date", "The last day it applies. For example, 31 3 2027.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        party = self.fields["authorised_party"]
        party.help_text = (
            "Their name and relationship to the person, for example a solicitor's firm."
        )

    def clean_expires_on(self) -> date:
        expires_on: date = self.cleaned_data["expires_on"]
        if expires_on < timezone.localdate():
            raise forms.ValidationError("The expiry date must be today or in the future")
        return expires_on


class AuthorisationUseForm(forms.Form):
    authorisation = forms.UUIDField(widget=forms.HiddenInput)


class RejectAuthorisationForm(forms.Form):
    reason = forms.CharField(
        label="Why is the authorisation rejected?",
        help_text="For example, the document is not signed by the person. The person who "
        "recorded it will see this.",
        max_length=2000,
        widget=TEXT_WIDGET,
        error_messages={"required": "Enter why the authorisation is rejected"},
    )


# --- Staff: the disclosure register -------------------------------------------------------------


class DisclosureForm(forms.Form):
    email = email_field(
        required_message="Enter an email address",
        label="Email address of the person the information was about",
    )
    requester_organisation = forms.CharField(
        label="Organisation that asked",
        max_length=200,
        error_messages={"required": "Enter the organisation that asked"},
    )
    requester = forms.CharField(
        label="Who asked",
        help_text="Their name or role, for example DC 1234 Smith, or the court.",
        max_length=200,
        error_messages={"required": "Enter who asked"},
    )
    legal_basis = forms.ChoiceField(
        label="Legal basis",
        choices=LegalBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the legal basis"},
    )
    legal_basis_description = forms.CharField(
        label="Details of the legal basis",
        help_text="For example, the court order's reference. Required if you chose Other.",
        required=False,
        max_length=2000,
        widget=TEXT_WIDGET,
    )
    what_disclosed = forms.CharField(
        label="What was disclosed",
        max_length=5000,
        widget=TEXT_WIDGET,
        error_messages={"required": "Enter what was disclosed"},
    )
    disclosed_on = _date_field("Date of disclosure", "For example, 27 3 2026")
    withhold_from_subject = forms.BooleanField(
        label="Do not show this in the person's copy of their data",
        help_text="Only where telling them would prejudice, for example, the prevention or "
        "detection of crime.",
        required=False,
    )
    exemption_reason = forms.CharField(
        label="Exemption and why it applies",
        help_text="Required if the disclosure is withheld. For example, DPA 2018 Schedule 2 "
        "paragraph 2: an investigation is ongoing.",
        required=False,
        max_length=2000,
        widget=TEXT_WIDGET,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("legal_basis") == LegalBasis.OTHER and not cleaned.get(
            "legal_basis_description", ""
        ):
            self.add_error("legal_basis_description", "Describe the legal basis")
        if cleaned.get("withhold_from_subject") and not cleaned.get("exemption_reason", ""):
            self.add_error("exemption_reason", "Give the exemption that allows withholding this")
        disclosed_on = cleaned.get("disclosed_on")
        if disclosed_on and disclosed_on > timezone.localdate():
            self.add_error("disclosed_on", "The date of disclosure must be today or in the past")
        return cleaned
