"""Forms for the staff actions that answer a request: withholding, erasure, rectification,
restriction and objection. They check shape and length only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.core.forms import too_long
from safeguarding.inventory import purposes
from safeguarding.privacy.models.rights import NOTE_MAX_LENGTH
from safeguarding.privacy.models.rights_outcomes import Exemption, ObjectionOutcome
from safeguarding.privacy.rights.forms import NOTE_WIDGET, _note


def _record_field(choices: list[tuple[str, str]], *, required: bool, label: str) -> forms.Field:
    empty = [("", "Not a whole record")] if not required else [("", "Choose a record")]
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=empty + choices,
        error_messages={
            "required": "Choose one of the requester's records",
            "invalid_choice": "Choose one of the requester's records",
        },
    )


class WithholdForm(forms.Form):
    """What is withheld and why. The record and field are chosen by pointing at them in the
    export preview (hidden here); without them, the item is something the export does not
    hold, such as a paper file, and the description alone says what."""

    exemption = forms.ChoiceField(
        label="Which exemption applies?",
        choices=Exemption.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the exemption that applies",
            "invalid_choice": "Choose the exemption that applies",
        },
    )
    description = forms.CharField(
        label="What is withheld, in words the requester will read",
        help_text="For example, 'A note of a conversation with another family member'. Do not "
        "reveal what it says.",
        max_length=300,
        error_messages={
            "required": "Describe what is withheld, without revealing it",
            "max_length": too_long("The description", 300),
        },
    )
    justification = _note(
        "Why does the exemption apply?",
        "Enter why the exemption applies",
        "The justification",
        "Kept on file for the second person and for the ICO; not sent to the requester.",
    )

    def __init__(
        self,
        *args: Any,
        records: list[tuple[str, str]],
        fields: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        not_theirs = "Choose one of the requester's records in the export preview"
        self.fields["record"] = forms.ChoiceField(
            required=False,
            choices=[("", ""), *records],
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": not_theirs},
        )
        self.fields["field_name"] = forms.ChoiceField(
            required=False,
            choices=[("", ""), *fields],
            widget=forms.HiddenInput,
            error_messages={"invalid_choice": "Choose a field of the record in the preview"},
        )


class ConfirmForm(forms.Form):
    """No fields: the action is a confirmation."""


CHECKED = "Confirm you have checked what the erasure will delete, anonymise and keep"


def _checked_field() -> forms.BooleanField:
    return forms.BooleanField(
        label="I have checked what the erasure will delete, anonymise and keep, and who is told",
        error_messages={"required": CHECKED},
    )


class PrepareErasureForm(forms.Form):
    reason = _note(
        "Anything the second person should know (optional)",
        "",
        "The note",
        hint="The data protection lead or administrator who approves the erasure will see "
        "this. It is audited.",
    )
    reason.required = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"] = _checked_field()


class ApproveErasureForm(forms.Form):
    """The second person confirms, at the moment the records go."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"] = _checked_field()


class RectifyForm(forms.Form):
    new_value = forms.CharField(
        label="Corrected value",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=NOTE_WIDGET,
        error_messages={"max_length": too_long("The corrected value", NOTE_MAX_LENGTH)},
    )

    def __init__(
        self,
        *args: Any,
        records: list[tuple[str, str]],
        fields: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "record": _record_field(records, required=True, label="Record to correct"),
            "field_name": forms.ChoiceField(
                label="What to correct",
                choices=[("", "Choose what to correct"), *fields],
                error_messages={
                    "required": "Choose what to correct",
                    "invalid_choice": "Choose what to correct",
                },
            ),
            **self.fields,
        }


class RestrictForm(forms.Form):
    reason = _note(
        "Why is processing restricted?",
        "Enter why processing is restricted",
        "The reason",
        "For example, the requester disputes their data's accuracy while we check it.",
    )


class LiftRestrictionForm(forms.Form):
    lift_reason = _note(
        "Why is the restriction lifted?",
        "Enter why the restriction is lifted",
        "The reason",
        "Tell the requester before you lift it.",
    )


class ObjectionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=ObjectionOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether we stop or continue",
            "invalid_choice": "Choose whether we stop or continue",
        },
    )
    reasons = _note(
        "Reasons for the decision",
        "Enter the reasons for the decision",
        "The reasons",
        "If we continue, the compelling legitimate grounds that override the requester's "
        "interests, or the legal claim.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "purpose": forms.ChoiceField(
                label="Which purpose do they object to?",
                choices=[("", "Choose a purpose")]
                + [(p.key, p.name) for p in purposes.all_purposes()],
                error_messages={
                    "required": "Choose the purpose the requester objects to",
                    "invalid_choice": "Choose the purpose the requester objects to",
                },
            ),
            **self.fields,
        }
