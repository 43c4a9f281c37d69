"""The public form a professional notifies a child's death with (no account). The scope rule
and the NHS number's check digit are the service's (``services._clean_child``); its refusals
land on these fields."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.cdop.forms_staff import NotificationDetails
from safeguarding.cdop.scope import OUT_OF_SCOPE, BirthOutcome, ScopeFacts, scope_problems
from safeguarding.core.date_input import GovukDateField
from safeguarding.core.forms import email_field, too_long
from safeguarding.workspaces.forms import NHSNumberField

_YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(value: Any) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _text(label: str, *, limit: int = 200, required: bool = False, **kwargs: Any) -> forms.Field:
    messages = {"max_length": too_long(label, limit)}
    if required:
        messages["required"] = f"Enter {label[0].lower()}{label[1:]}"
    return forms.CharField(
        label=label, max_length=limit, required=required, error_messages=messages, **kwargs
    )


def _question(label: str, required: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_YES_NO,
        coerce=_yes_no,
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


class NotificationForm(NotificationDetails, forms.Form):
    birth_outcome = forms.ChoiceField(
        label="Was the child born alive?",
        choices=BirthOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child was born alive"},
    )
    name = _text("Child's full name", required=True)
    date_of_birth = GovukDateField(label="Date of birth", what="Date of birth")
    date_of_death = GovukDateField(label="Date of death", what="Date of death")
    nhs_number = NHSNumberField(
        required=False,
        help_text="If you know it: a 10 digit number, like 943 476 5919",
    )
    sex = forms.ChoiceField(
        label="Sex",
        required=False,
        choices=[(value, value) for value in ("Female", "Male", "Indeterminate", "Not known")],
        widget=forms.RadioSelect,
    )
    home_address = _text(
        "Child's home address", limit=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    gp_practice = _text("GP practice")
    resident_in_area = _question(
        "Did the child live in the partnership's area?",
        "Select whether the child lived in the area",
    )
    died_in_area = _question(
        "Did the child die in the partnership's area?",
        "Select whether the child died in the area",
    )
    place_of_death = _text("Where the child died", help_text="For example, the hospital or home")
    unexpected = _question(
        "Was the death unexpected?",
        "Select whether the death was unexpected",
    )
    circumstances = _text(
        "What happened",
        limit=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you know of the circumstances of the death.",
    )
    notifier_name = _text("Your full name", required=True)
    notifier_role = _text("Your role", required=True)
    notifier_organisation = _text("Your organisation", required=True)
    notifier_email = email_field(
        label="Your work email address",
        help_text="We will only use it to contact you about this notification.",
    )
    notifier_phone = _text("Your work phone number", limit=30)

    def clean(self) -> dict[str, Any]:
        """The scope rule as soon as its facts are given: a stillbirth, a late foetal loss or
        a termination is refused with the reason, whatever else is missing."""
        data = super().clean() or {}
        outcome = data.get("birth_outcome") or self.data.get("birth_outcome")
        if outcome in OUT_OF_SCOPE:
            self.errors.pop("birth_outcome", None)
            self.add_error("birth_outcome", OUT_OF_SCOPE[BirthOutcome(outcome)])
            return data
        needed = ("birth_outcome", "date_of_birth", "date_of_death")
        if all(data.get(name) is not None for name in needed) and all(
            isinstance(data.get(name), bool) for name in ("resident_in_area", "died_in_area")
        ):
            facts = ScopeFacts(
                birth_outcome=data["birth_outcome"],
                date_of_birth=data["date_of_birth"],
                date_of_death=data["date_of_death"],
                resident_in_area=data["resident_in_area"],
                died_in_area=data["died_in_area"],
            )
            for name, problem in scope_problems(facts).items():
                self.add_error(name, problem)
        return data
