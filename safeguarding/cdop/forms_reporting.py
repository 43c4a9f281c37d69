"""Forms for reporting forms: the secretariat asks a professional for one (or withdraws the
request), and the professional answers each question or ticks "Not known"."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.cdop.models import FormKind
from safeguarding.cdop.reporting import Answer, Professional
from safeguarding.cdop.reporting_questions import Question, questions_for
from safeguarding.core.forms import HintedRadioSelect, email_field, too_long

ANSWER_LIMIT = 10_000
# When each form is called for (the supplementary forms go with the reporting form).
KIND_HINTS = {
    FormKind.REPORTING: "Every professional who knew the child completes one.",
    FormKind.SUDI: "The sudden and unexpected death of a baby or young child.",
    FormKind.SUICIDE: "A death that may have been suicide, or followed self-harm.",
    FormKind.ROAD_TRAFFIC: "A death after a road traffic collision or other trauma.",
    FormKind.NEONATAL: "A death in the first 28 days of life, or around the birth.",
    FormKind.LIFE_LIMITING: "A child who had a life-limiting or life-threatening condition.",
}


class RequestForm(forms.Form):
    professional_name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={
            "required": "Enter the professional's name",
            "max_length": too_long("Name", 200),
        },
    )
    agency = forms.CharField(
        label="Organisation",
        max_length=200,
        help_text="For example, the GP practice, the school or the hospital trust.",
        error_messages={
            "required": "Enter their organisation",
            "max_length": too_long("Organisation", 200),
        },
    )
    professional_email = email_field(
        label="Work email address",
        help_text="The link to the form is sent here.",
        required_message="Enter their email address",
        own_address=False,
    )
    kind = forms.ChoiceField(
        label="Which form?",
        choices=FormKind.choices,
        initial=FormKind.REPORTING,
        widget=HintedRadioSelect(hints={str(kind): hint for kind, hint in KIND_HINTS.items()}),
        error_messages={"required": "Select the form to ask for"},
    )

    def professional(self) -> Professional:
        data = self.cleaned_data
        return Professional(
            name=data["professional_name"],
            agency=data["agency"],
            email=data["professional_email"],
        )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why is the form no longer needed?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the form is no longer needed",
            "max_length": too_long("The reason", 500),
        },
    )


class AnswerForm(forms.Form):
    """One text box and a "Not known" box per question of the form's kind. Whether a
    question may be left empty is the service's decision (a draft may; a submission not)."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions: tuple[Question, ...] = questions_for(kind)
        for question in self.questions:
            self.fields[question.key] = forms.CharField(
                label=question.label,
                help_text=question.hint,
                required=False,
                max_length=ANSWER_LIMIT,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={"max_length": too_long("The answer", ANSWER_LIMIT)},
            )
            self.fields[f"{question.key}_not_known"] = forms.BooleanField(
                label="Not known", required=False
            )

    @classmethod
    def initial_from(cls, answers: dict[str, Answer]) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for key, answer in answers.items():
            initial[key] = answer.text
            initial[f"{key}_not_known"] = answer.not_known
        return initial

    def rows(self) -> list[tuple[Question, forms.BoundField, forms.BoundField]]:
        return [
            (question, self[question.key], self[f"{question.key}_not_known"])
            for question in self.questions
        ]

    def answers(self) -> dict[str, Answer]:
        data = self.cleaned_data
        return {
            question.key: Answer(
                text=data.get(question.key, ""),
                not_known=bool(data.get(f"{question.key}_not_known")),
            )
            for question in self.questions
        }
