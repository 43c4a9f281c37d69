"""Forms for the retention staff pages. They check shape only; the services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from safeguarding.core.date_input import GovukDateField
from safeguarding.inventory.retention_rules import MAX_DAYS, MIN_DAYS, below_minimum

REASON_WIDGET = forms.Textarea(attrs={"rows": 3})


class RetentionPeriodForm(forms.Form):
    days = forms.IntegerField(
        label="Period in days",
        min_value=MIN_DAYS,
        max_value=MAX_DAYS,
        help_text=f"From {MIN_DAYS} day to {MAX_DAYS} days (20 years). A year is 365 days.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-5"}),
        error_messages={
            "required": "Enter the period in days",
            "invalid": "Enter the period as a whole number of days",
            "min_value": f"The period must be at least {MIN_DAYS} day",
            "max_value": f"The period must be at most {MAX_DAYS} days (20 years)",
        },
    )
    reason = forms.CharField(
        label="Why is the period changing?",
        help_text="For example, the council's retention schedule changed. This is audited.",
        max_length=1000,
        widget=REASON_WIDGET,
        error_messages={"required": "Enter why the period is changing"},
    )

    def __init__(self, *args: Any, minimum_days: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.minimum_days = minimum_days
        if minimum_days > MIN_DAYS:
            self.fields["days"].help_text = (
                f"This record type must be kept for at least {minimum_days} days; at most "
                f"{MAX_DAYS} days (20 years). A year is 365 days."
            )

    def clean_days(self) -> int:
        days: int = self.cleaned_data["days"]
        if days < self.minimum_days:  # the service checks again; this shows it now
            raise forms.ValidationError(below_minimum(self.minimum_days))
        return days


class ProposalRejectForm(forms.Form):
    """Why a second person rejects a change (a shorter period, a release, an erasure)."""

    reason = forms.CharField(
        label="Why are you rejecting this change?",
        help_text="The person who proposed it will see this. It is audited.",
        max_length=1000,
        widget=REASON_WIDGET,
        error_messages={"required": "Enter why you are rejecting the change"},
    )

    def __init__(self, *args: Any, what: str = "change", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = f"Why are you rejecting this {what}?"
        field.error_messages["required"] = f"Enter why you are rejecting the {what}"


class HoldDetailsForm(forms.Form):
    """What every legal hold records: the matter, why, on whose authority, and when it is
    looked at again. The records are chosen by where the form is (a person, a request)."""

    matter = forms.CharField(
        label="Matter",
        max_length=200,
        help_text="Holds for the same matter are listed together: use the same words for "
        "each, for example Claim KB-2026-001234.",
        error_messages={"required": "Enter the matter the records are kept for"},
    )
    reason = forms.CharField(
        label="Why must the records be kept?",
        max_length=2000,
        widget=REASON_WIDGET,
        error_messages={"required": "Enter why the record must be kept"},
    )
    authority = forms.CharField(
        label="Authority",
        max_length=200,
        help_text="For example, Litigation: claim ref KB-2026-001234, or ICO investigation.",
        error_messages={"required": "Enter the authority for the hold"},
    )
    review_date = GovukDateField(
        label="Review date",
        hint="When the hold must be looked at again. For example, 27 3 2027.",
        what="The review date",
        required_message="Enter the review date",
    )

    def clean_review_date(self) -> date:
        review_date: date = self.cleaned_data["review_date"]
        if review_date <= timezone.localdate():  # the service checks again; this shows it now
            raise forms.ValidationError("The review date must be in the future")
        return review_date


class MatterHoldForm(HoldDetailsForm):
    """Holds for a matter about several people: everyone's records, named by address."""

    people = forms.CharField(
        label="Email addresses of the people whose records must be kept",
        help_text="One on each line. Every record we hold about each of them is kept.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        error_messages={"required": "Enter the email address of at least one person"},
    )
    field_order = ["matter", "people", "reason", "authority", "review_date"]

    def clean_people(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["people"].splitlines()]
        addresses = [line for line in lines if line]
        validate = forms.EmailField().clean
        for address in addresses:
            try:
                validate(address)
            except forms.ValidationError:
                raise forms.ValidationError(
                    "Enter each email address on its own line, like name@example.org"
                ) from None
        if not addresses:
            raise forms.ValidationError("Enter the email address of at least one person")
        return addresses


class HoldReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why is the hold being released?",
        max_length=1000,
        widget=REASON_WIDGET,
        error_messages={"required": "Enter why the hold is being released"},
    )


class MatterReleaseForm(forms.Form):
    reason = forms.CharField(
        label="Why are the holds for this matter being released?",
        help_text="The second person who approves the releases will see this. It is audited.",
        max_length=1000,
        widget=REASON_WIDGET,
        error_messages={"required": "Enter why the holds are being released"},
    )
