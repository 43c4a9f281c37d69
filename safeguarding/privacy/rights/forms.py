"""Forms for rights requests. They check shape and length only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from safeguarding.core.date_input import GovukDateField
from safeguarding.core.forms import email_field, too_long
from safeguarding.privacy.models.rights import (
    DETAILS_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    RequestChannel,
    RequestKind,
    RequestSubject,
)

NOTE_WIDGET = forms.Textarea(attrs={"rows": 4})


class ConfirmEmailForm(forms.Form):
    """The download page: the requester types their address again before each download."""

    email = email_field(
        help_text="The address we sent the link to. This makes sure only you can download "
        "your data."
    )


class RightsRequestForm(forms.Form):
    """The public form: anyone may use it; the emailed link confirms who they are."""

    email = email_field(
        help_text="We will send a link to this address to confirm the request is yours."
    )
    full_name = forms.CharField(
        label="Full name",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"max_length": too_long("Full name", 200)},
    )
    kind = forms.ChoiceField(
        label="What would you like us to do?",
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you would like us to do",
            "invalid_choice": "Choose what you would like us to do",
        },
    )
    details = forms.CharField(
        label="Tell us about your request",
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        help_text=(
            "For a copy of your data you can leave this empty. Otherwise say which data, and "
            "what should change. Do not include bank details or health information."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": too_long("Your request", DETAILS_MAX_LENGTH)},
    )
    declaration = forms.BooleanField(
        label="I am the person this request is about, or I am authorised to act for them",
        error_messages={
            "required": "Confirm that you are the person this request is about, or are "
            "authorised to act for them"
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind and kind != RequestKind.ACCESS and not (data.get("details") or "").strip():
            self.add_error("details", "Tell us which data, and what you would like us to do")
        return data


class LogRequestForm(forms.Form):
    """Staff log a request made by phone, letter or email, having checked who made it."""

    email = email_field(
        label="Requester's email address",
        help_text="Needed to find their records for an export, and to email them.",
        required=False,
        own_address=False,
    )
    full_name = forms.CharField(
        label="Requester's full name",
        required=False,
        max_length=200,
        error_messages={"max_length": too_long("Full name", 200)},
    )
    kind = forms.ChoiceField(
        label="Type of request",
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of request"},
    )
    channel = forms.ChoiceField(
        label="How was it made?",
        choices=[(c.value, c.label) for c in RequestChannel if c != RequestChannel.WEB],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how the request was made",
            "invalid_choice": "Choose phone, letter or email",
        },
    )
    received_on = GovukDateField(
        label="Date received",
        hint="For example, 27 3 2026",
        what="The date received",
        required_message="Enter the date the request was received",
    )
    details = forms.CharField(
        label="The request",
        required=False,
        max_length=DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": too_long("The request", DETAILS_MAX_LENGTH)},
    )
    identity_note = forms.CharField(
        label="How did you confirm who they are?",
        help_text="For example, answered the security questions, or saw a copy of their ID.",
        max_length=NOTE_MAX_LENGTH,
        widget=NOTE_WIDGET,
        error_messages={
            "required": "Enter how you confirmed the requester's identity",
            "max_length": too_long("The identity note", NOTE_MAX_LENGTH),
        },
    )
    subject = forms.ChoiceField(
        label="Whose data is the request about?",
        choices=RequestSubject.choices,
        initial=RequestSubject.SELF,
        required=False,  # not chosen: the requester's own, as before this question was asked
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose whose data the request is about"},
    )
    subject_authority = forms.CharField(
        label="What is the requester's authority to act for them?",
        help_text=(
            "For a child or another adult only. For example, parental responsibility shown by "
            "a birth certificate, or a lasting power of attorney."
        ),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=NOTE_WIDGET,
        error_messages={"max_length": too_long("The authority", NOTE_MAX_LENGTH)},
    )
    subject_name = forms.CharField(
        label="Full name of the child or adult",
        help_text="For a child or another adult only.",
        required=False,
        max_length=200,
        error_messages={"max_length": too_long("Full name", 200)},
    )
    subject_date_of_birth = GovukDateField(
        label="Child's date of birth", required=False, hint="For example, 27 3 2015"
    )
    subject_nhs_number = forms.CharField(
        label="Child's NHS number (optional)",
        help_text="A 10 digit number, like 943 476 5919.",
        required=False,
        max_length=20,
        error_messages={"max_length": "NHS number must be 10 digits"},
    )
    subject_email = email_field(
        label="Adult's email address",
        help_text="For another adult only: needed to find their records.",
        required=False,
        own_address=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_subject(self) -> str:
        return str(self.cleaned_data.get("subject") or RequestSubject.SELF)


def _note(label: str, required: str, what: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=NOTE_MAX_LENGTH,
        widget=NOTE_WIDGET,
        error_messages={"required": required, "max_length": too_long(what, NOTE_MAX_LENGTH)},
    )


class PauseForm(forms.Form):
    reason = _note(
        "What have you asked the requester to clarify?",
        "Enter what you have asked the requester to clarify",
        "The reason",
        "The clock stops until you resume the request; the days paused are added on.",
    )


class ResumeForm(forms.Form):
    """No fields: resuming is a confirmation."""


class ExtendForm(forms.Form):
    months = forms.TypedChoiceField(
        label="Extend by",
        choices=[(1, "1 month"), (2, "2 months")],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose 1 or 2 months",
            "invalid_choice": "Extend by 1 or 2 months: at most three months in all",
        },
    )
    reason = _note(
        "Why does the request need more time?",
        "Enter why the request needs more time",
        "The reason",
        "Sent to the requester: for example, the request is complex because it covers many "
        "records. Do not include other people's data.",
    )
    told_by_other_means = forms.BooleanField(
        label="I have told the requester today, by phone or letter, why we need more time",
        required=False,
    )


class CompleteForm(forms.Form):
    outcome = _note(
        "What was done to answer the request?",
        "Enter what was done to answer the request",
        "The outcome",
        "For example, the export was sent by secure email on this date.",
    )


class RefuseForm(forms.Form):
    reason = _note(
        "Why is the request refused?",
        "Enter why the request is refused",
        "The reason",
        "For example, manifestly unfounded or excessive. Tell the requester they can "
        "complain to the ICO.",
    )


class WithdrawForm(forms.Form):
    note = _note(
        "How did the requester withdraw the request?",
        "Enter how the requester withdrew the request",
        "The note",
    )


class NewLinkForm(forms.Form):
    reason = _note(
        "Why are you sending a new link?",
        "Enter why a new link is being sent",
        "The reason",
        "The requester is emailed a new link, and any link sent before stops working.",
    )


class CancelLinkForm(forms.Form):
    reason = _note(
        "Why are you cancelling this link?",
        "Enter why the link is being cancelled",
        "The reason",
        "The link stops working at once. The requester is not emailed.",
    )
