"""Forms for the case review pages: input checks only (the rules are in ``services``). Dates
use the GOV.UK date input; yes/no questions are radios."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from safeguarding.casereviews.models import (
    ActionStatus,
    CheckpointKind,
    MeetingKind,
    Outcome,
    PracticeReviewKind,
    RapidReviewDecision,
    Recommendation,
    SubjectRole,
)
from safeguarding.core.date_input import GovukDateField
from safeguarding.core.forms import RecordChoiceField, text_field
from safeguarding.workspaces.forms import NHSNumberField

_YES_NO = [("yes", "Yes"), ("no", "No")]


def _date(label: str, *, required: bool = True, hint: str = "") -> GovukDateField:
    return GovukDateField(label=label, required=required, hint=hint)


def _text(label: str, *, required: bool = True, hint: str = "", rows: int = 4) -> forms.CharField:
    return text_field(label, required=required, hint=hint, max_length=20_000, rows=rows)


_line = text_field


def _choice(label: str, choices: Any, *, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": message},
    )


def _yes_no(label: str, *, message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": message},
    )


def initial_for(record: Any, form_class: type[forms.Form]) -> dict[str, Any]:
    """A record's values for the fields of ``form_class`` (for a change page)."""
    initial: dict[str, Any] = {}
    for name in form_class.base_fields:
        value = getattr(record, name, None)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        initial[name] = getattr(value, "pk", value)
    return initial


class OpenCaseForm(forms.Form):
    reference = _line(
        "Case reference",
        max_length=40,
        hint="The partnership's reference, for example CR 2027-04. Never a name.",
    )
    summary = _text(
        "What happened (optional)",
        required=False,
        hint="Briefly. It is stored encrypted and only the case's members see it.",
    )


class CloseCaseForm(forms.Form):
    reason = _text("Why the case is closing", hint="For example, the action plan is complete.")


class SubjectForm(forms.Form):
    role = _choice("Who they are", SubjectRole.choices, message="Select who they are")
    full_name = _line("Full name")
    other_names = _text("Other names they are known by (optional)", required=False, rows=2)
    date_of_birth = _date("Date of birth (optional)", required=False)
    address = _text("Address (optional)", required=False, rows=3)
    school = _line("School or nursery (optional)", required=False)
    nhs_number = NHSNumberField(required=False)


class NewSubjectForm(SubjectForm):
    pseudonym = _line(
        "Name used in the case",
        max_length=60,
        hint='For example "Child A", "Sibling B" or "Mother". It cannot be changed later.',
    )
    field_order = ["pseudonym"]


class NotificationForm(forms.Form):
    outcome = _choice("What happened to the child", Outcome.choices, message="Select what happened")
    aware_on = _date("When the council became aware")
    notified_on = _date(
        "When the national panel was notified (optional)",
        required=False,
        hint="Due within 5 working days of the council becoming aware.",
    )
    looked_after = _yes_no(
        "Was the child looked after?", message="Select whether the child was looked after"
    )
    ofsted_notified_on = _date("When Ofsted was notified (optional)", required=False)
    secretary_of_state_notified_on = _date(
        "When the Secretary of State was notified (optional)", required=False
    )
    agencies = _text("Agencies involved (optional)", required=False, hint="One a line.", rows=3)
    circumstances = _text("Circumstances (optional)", required=False, rows=5)


class RapidReviewStartForm(forms.Form):
    started_on = _date("When the rapid review started")


class RapidReviewForm(forms.Form):
    meeting_on = _date("Date of the rapid review meeting (optional)", required=False)
    summary = _text("Summary and outcome report (optional)", required=False, rows=8)
    signed_off_on = _date("When the partners signed it off (optional)", required=False)
    signed_off_by = _text(
        "Partners who signed it off (optional)", required=False, hint="One a line.", rows=3
    )
    sent_to_panel_on = _date(
        "When it went to the national panel (optional)",
        required=False,
        hint="Due 15 working days from the notification.",
    )


class RapidReviewDecisionForm(forms.Form):
    decision = _choice(
        "The rapid review's decision", RapidReviewDecision.choices, message="Select the decision"
    )
    reasons = _text("Reasons for the decision")
    decided_on = _date("Date of the decision")


class PracticeReviewStartForm(forms.Form):
    kind = _choice(
        "Kind of review", PracticeReviewKind.choices, message="Select the kind of review"
    )
    decided_on = _date(
        "When the partners decided to hold it", hint="The final report is due 6 months later."
    )
    terms_of_reference = _text("Terms of reference (optional)", required=False, rows=6)


class PracticeReviewForm(forms.Form):
    terms_of_reference = _text("Terms of reference (optional)", required=False, rows=6)
    reviewer_name = _line("Reviewer appointed (optional)", required=False)
    reviewer_appointed_on = _date("When the reviewer was appointed (optional)", required=False)
    final_report_on = _date("When the final report was received (optional)", required=False)
    publication_planned_on = _date("Planned publication date (optional)", required=False)
    sent_to_panel_on = _date(
        "When the report went to the national panel (optional)",
        required=False,
        hint="At least 7 working days before publication.",
    )
    sent_to_department_on = _date(
        "When the report went to the Department for Education (optional)", required=False
    )
    partners_response = _text("The partners' response (optional)", required=False, rows=6)
    partners_response_on = _date("Date of the partners' response (optional)", required=False)


class ChronologyForm(forms.Form):
    occurred_on = _date("Date of the event")
    agency = _line("Agency")
    event = _text("What happened", rows=5)
    source = _line("Source (optional)", required=False, hint="For example, the health records.")


class InformationRequestForm(forms.Form):
    agency = _line("Agency asked")
    request = _text("What was asked for")
    asked_on = _date("When it was asked for")
    due_on = _date("When it is due (optional)", required=False)
    returned_on = _date("When it came back (optional)", required=False)


class ReviewerRequestForm(forms.Form):
    request = _text(
        "What was asked of the reviewer",
        hint="A request in writing for information or a draft report.",
    )
    asked_on = _date("When it was asked")
    due_on = _date("When the answer is due (optional)", required=False)
    answered_on = _date("When it was answered (optional)", required=False)


class CheckpointForm(forms.Form):
    kind = _choice("Kind of checkpoint", CheckpointKind.choices, message="Select the kind")
    due_on = _date("When it is due")
    held_on = _date("When it was held (optional)", required=False)
    notes = _text("Notes (optional)", required=False)


class MeetingForm(forms.Form):
    kind = _choice("Kind of meeting", MeetingKind.choices, message="Select the kind of meeting")
    held_on = _date("Date of the meeting")
    attendees = _text("Who came", hint="Name, role and agency, one a line.", rows=4)
    minutes = _text("Minutes (optional)", required=False, rows=10)


class DecisionForm(forms.Form):
    made_on = _date("Date of the decision")
    decision = _text("The decision", rows=3)
    reasons = _text("Reasons")


class RecommendationForm(forms.Form):
    text = _text("The recommendation")


class ActionForm(forms.Form):
    description = _text("The action", rows=3)
    owner = _line("Who owns it", hint="The agency or post responsible.")
    due_on = _date("When it is due")
    status = _choice("Status", ActionStatus.choices, message="Select the status")
    recommendation: RecordChoiceField = RecordChoiceField(
        label="Recommendation it answers (optional)",
        queryset=Recommendation.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args: Any, recommendations: QuerySet[Recommendation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["recommendation"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = recommendations
        field.label_from_instance = _recommendation_label  # type: ignore[method-assign, assignment]


def _recommendation_label(recommendation: Recommendation) -> str:
    return f"Recommendation {recommendation.number}"


# The form for each kind of record a case keeps many of (services.RECORD_KINDS).
RECORD_FORMS: dict[str, type[forms.Form]] = {
    "chronology": ChronologyForm,
    "information-requests": InformationRequestForm,
    "reviewer-requests": ReviewerRequestForm,
    "checkpoints": CheckpointForm,
    "meetings": MeetingForm,
    "decisions": DecisionForm,
    "recommendations": RecommendationForm,
    "actions": ActionForm,
}


class DraftCheckForm(forms.Form):
    upload = forms.FileField(
        label="Upload the draft (optional)",
        required=False,
        help_text="A PDF, Word (DOCX), OpenDocument text (ODT) or plain text file.",
        error_messages={"empty": "The selected file is empty"},
    )
    text = _text("Or paste the draft's text", required=False, rows=10)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("upload") and not (data.get("text") or "").strip():
            self.add_error("upload", "Upload the draft, or paste its text")
        return data


class AcceptHitForm(forms.Form):
    reason = _text(
        "Why this can stay in the report",
        hint="For example, it is the month and year only, which the national panel publishes too.",
    )


class PublishForm(forms.Form):
    title = _line("Title as published", hint='For example, "Child A: a local review".')
    summary = _text("Short summary for the website (optional)", required=False, rows=4)
    upload = forms.FileField(
        label="The final report (PDF)",
        error_messages={"required": "Select the report", "empty": "The selected file is empty"},
    )


class NotPublishedForm(forms.Form):
    reason = _text("Why the report is not being published")
    improvements_published_on = _date("When the improvements to be made were published")
