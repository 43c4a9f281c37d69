"""Public training forms. The booking form asks only what running a session needs (P01)."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.core.date_input import GovukDateField
from safeguarding.core.forms import email_field
from safeguarding.training.models import (
    Audience,
    Course,
    Format,
    Level,
    OrganisationType,
    Topic,
)
from safeguarding.training.services import Applicant

# The only questions a booking asks; check_promises P01 compares the form with this list.
BOOKING_FIELDS = (
    "full_name",
    "email",
    "organisation",
    "organisation_type",
    "role",
    "access_needs",
)
APPROVAL_FIELD = "manager_email"


def _any(label: str, choices: Any) -> list[tuple[str, str]]:
    return [("", label), *choices]


class CatalogueForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    audience = forms.ChoiceField(choices=_any("Any audience", Audience.choices), required=False)
    level = forms.ChoiceField(choices=_any("Any level", Level.choices), required=False)
    format = forms.ChoiceField(choices=_any("Any format", Format.choices), required=False)
    topic = forms.ChoiceField(choices=_any("Any topic", Topic.choices), required=False)
    from_date = GovukDateField(
        label="Sessions on or after", what="The date sessions start from", required=False
    )


class BookingForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = email_field(
        label="Work email address",
        help_text="We send your confirmation and a link to manage your booking here.",
        required_message="Enter your work email address",
    )
    organisation = forms.CharField(
        label="Organisation",
        max_length=200,
        error_messages={"required": "Enter the name of your organisation"},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    organisation_type = forms.ChoiceField(
        label="Type of organisation",
        choices=OrganisationType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of organisation you work for"},
    )
    role = forms.CharField(
        label="Your role",
        max_length=200,
        error_messages={"required": "Enter your role, for example “Designated safeguarding lead”"},
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    access_needs = forms.CharField(
        label="Access or dietary needs",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            "Only the session's coordinator and trainer see this. "
            "It is deleted 30 days after the session."
        ),
    )

    def __init__(self, *args: Any, course: Course, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if course.needs_manager_approval:
            self.fields[APPROVAL_FIELD] = email_field(
                label="Your manager's email address",
                help_text="This course needs your manager's approval; we email them a link.",
                required_message="Enter your manager's email address",
                own_address=False,
            )

    def applicant(self) -> Applicant:
        data = self.cleaned_data
        return Applicant(
            full_name=data["full_name"],
            email=data["email"],
            organisation=data["organisation"],
            organisation_type=data["organisation_type"],
            role=data["role"],
            manager_email=data.get(APPROVAL_FIELD, ""),
            access_needs=data.get("access_needs", ""),
        )


class TransferForm(BookingForm):
    """The colleague taking the place: the same questions."""


class EmailForm(forms.Form):
    email = email_field(
        label="Work email address", required_message="Enter the email address you booked with"
    )


EVALUATION_SCALE = [(str(n), str(n)) for n in range(5, 0, -1)]


class EvaluationForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How useful was the course? (5 is most useful)",
        choices=EVALUATION_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how useful the course was"},
    )
    confidence = forms.TypedChoiceField(
        label="How confident do you now feel to act on what you learned? (5 is most confident)",
        choices=EVALUATION_SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how confident you now feel"},
    )
    comments = forms.CharField(
        label="Anything else you want to tell us",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Please do not name children, families or colleagues.",
    )
