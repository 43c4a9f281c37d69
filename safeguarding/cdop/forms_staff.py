"""Forms for the secretariat's child death review pages: input checks only (the rules, such
as the scope rule and the analysis rules, are in ``scope`` and ``services``, whose refusals
land on these fields by name). Dates use the GOV.UK date input; yes/no questions are radios.

(The reporting forms agencies answer have their own module.)"""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.cdop.models import (
    Agency,
    Category,
    ContactPreference,
    Contribution,
    Decision,
    Domain,
    FamilyMember,
)
from safeguarding.cdop.scope import OUT_OF_SCOPE, BirthOutcome
from safeguarding.cdop.services import AnalysisInput, ChildDetails, DomainFinding, Notifier
from safeguarding.core.date_input import GovukDateField
from safeguarding.core.forms import RecordChoiceField, text_field, too_long
from safeguarding.workspaces.forms import NHSNumberField

_YES_NO = [("yes", "Yes"), ("no", "No")]


def _lower_first(label: str) -> str:
    return f"{label[0].lower()}{label[1:]}"


def _date(label: str, *, required: bool = True, hint: str = "") -> GovukDateField:
    return GovukDateField(label=label, required=required, hint=hint)


def _text(label: str, *, required: bool = True, hint: str = "", rows: int = 4) -> forms.CharField:
    return text_field(label, required=required, hint=hint, max_length=20_000, rows=rows)


_line = text_field


def _choice(label: str, choices: Any, *, message: str, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


def _yes_no(label: str, *, message: str, hint: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=_YES_NO,
        coerce=lambda value: value == "yes",
        help_text=hint,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


# --- Notifications ---------------------------------------------------------------------------


class NotificationDetails:
    """``child()`` and ``notifier()`` from the cleaned data of a form notifying a death: the
    secretariat's and the public one ask the same things in their own words."""

    cleaned_data: dict[str, Any]

    def child(self) -> ChildDetails:
        data = self.cleaned_data
        return ChildDetails(
            name=data["name"],
            date_of_birth=data["date_of_birth"],
            date_of_death=data["date_of_death"],
            birth_outcome=data["birth_outcome"],
            unexpected=data["unexpected"],
            resident_in_area=data["resident_in_area"],
            died_in_area=data["died_in_area"],
            nhs_number=data.get("nhs_number") or "",
            sex=(data.get("sex") or "").strip(),
            ethnicity=data.get("ethnicity") or "",
            home_address=data["home_address"],
            gp_practice=data["gp_practice"],
            place_of_death=data["place_of_death"],
            circumstances=data["circumstances"],
        )

    def notifier(self) -> Notifier:
        data = self.cleaned_data
        return Notifier(
            name=data["notifier_name"],
            role=data["notifier_role"],
            organisation=data["notifier_organisation"],
            email=data["notifier_email"] or "",
            phone=data["notifier_phone"],
        )


class NotifyForm(NotificationDetails, forms.Form):
    """The secretariat's notification of a death (the statutory notification form's core)."""

    birth_outcome = _choice(
        "Was the child born alive?",
        BirthOutcome.choices,
        message="Select whether the child was born alive",
    )
    name = _line("Child's full name")
    date_of_birth = _date("Date of birth")
    date_of_death = _date("Date of death")
    nhs_number = NHSNumberField(
        required=False,
        help_text=(
            "This is a 10 digit number, like 943 476 5919. It finds a case already open for "
            "the child, so the death is not reviewed twice."
        ),
    )
    unexpected = _yes_no(
        "Was the death unexpected?",
        message="Select whether the death was unexpected",
        hint=(
            "Not anticipated as a significant possibility 24 hours before, or after a sudden "
            "collapse or incident. Unexpected deaths have a joint agency response."
        ),
    )
    resident_in_area = _yes_no(
        "Did the child normally live in the partnership's area?",
        message="Select whether the child lived in the area",
    )
    died_in_area = _yes_no(
        "Did the child die in the partnership's area?",
        message="Select whether the child died in the area",
    )
    sex = _line("Sex", required=False, max_length=50)
    ethnicity = _line("Ethnicity", required=False, max_length=100)
    home_address = _text("Home address", required=False, rows=3)
    gp_practice = _line("GP practice", required=False)
    place_of_death = _line("Where the child died", required=False)
    circumstances = _text("Summary of the circumstances", required=False, rows=5)
    notifier_name = _line("Name of the person notifying")
    notifier_role = _line("Their role", required=False)
    notifier_organisation = _line("Their organisation", required=False)
    notifier_email = forms.EmailField(
        label="Their email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": too_long("Their email address", 254),
        },
    )
    notifier_phone = _line("Their phone number", required=False, max_length=40)

    def clean(self) -> dict[str, Any]:
        """A stillbirth, late foetal loss or termination is refused with the reason at once,
        whatever else is missing (the rest of the scope rule is the service's)."""
        data = super().clean() or {}
        outcome = data.get("birth_outcome")
        if outcome in OUT_OF_SCOPE:
            self.add_error("birth_outcome", OUT_OF_SCOPE[BirthOutcome(outcome)])
        return data


class ReasonForm(forms.Form):
    reason = _text("Reason")

    def __init__(self, *args: Any, label: str = "Reason", hint: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = hint
        field.error_messages["required"] = f"Enter {_lower_first(label)}"
        field.error_messages["max_length"] = too_long(label, 20_000)


class ConfirmForm(forms.Form):
    """A button with nothing to fill in (mark ready, close, build the agenda)."""


# --- Stages ----------------------------------------------------------------------------------


class JointAgencyResponseForm(forms.Form):
    started_on = _date("Date it began")
    agencies = forms.MultipleChoiceField(
        label="Agencies that took part",
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the agencies that took part",
            "invalid_choice": "Select the agencies that took part",
        },
    )
    notes = _text("Notes", required=False)


class ReviewMeetingForm(forms.Form):
    held_on = _date("Date held", hint="The child death review meeting of the professionals.")


# --- The panel's analysis ----------------------------------------------------------------------

CONTRIBUTION_CHOICES = [("", "Not yet assessed"), *Contribution.choices]


class AnalysisForm(forms.Form):
    """The category, then for each domain its contribution, factors and whether they were
    modifiable, then the summary and learning. Field names match the service's rules
    (``<domain>_contribution``, ``<domain>_factors``, ``<domain>_modifiable``)."""

    category = _choice(
        "Category of death",
        [("", "Not yet decided"), *Category.choices],
        message="Select the category of death",
        required=False,
    )
    summary = _text("Case summary", required=False, rows=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for domain in Domain:
            label = str(domain.label)
            self.fields[f"{domain}_contribution"] = _choice(
                f"{label}: how far the factors contributed",
                CONTRIBUTION_CHOICES,
                message="Select how far the factors contributed",
                required=False,
            )
            self.fields[f"{domain}_factors"] = _text(
                f"{label}: the factors identified", required=False, rows=3
            )
            self.fields[f"{domain}_modifiable"] = forms.BooleanField(
                label=f"{label}: the factors were modifiable",
                help_text=(
                    "They may have contributed, and nationally or locally achievable action "
                    "could reduce the risk of future child deaths."
                ),
                required=False,
            )
        self.fields["learning"] = _text(
            "Learning points",
            required=False,
            rows=5,
            hint="Needed when the panel found modifiable factors.",
        )

    def analysis(self) -> AnalysisInput:
        data = self.cleaned_data
        return AnalysisInput(
            category=data.get("category") or "",
            summary=data.get("summary") or "",
            learning=data.get("learning") or "",
            domains={
                str(domain): DomainFinding(
                    contribution=data[f"{domain}_contribution"],
                    factors=data.get(f"{domain}_factors") or "",
                    modifiable=bool(data.get(f"{domain}_modifiable")),
                )
                for domain in Domain
                if data.get(f"{domain}_contribution")
            },
        )


def analysis_initial(analysis: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "category": analysis.category,
        "summary": analysis.summary,
        "learning": analysis.learning,
    }
    for assessment in analysis.domains.all():
        initial[f"{assessment.domain}_contribution"] = assessment.contribution
        initial[f"{assessment.domain}_factors"] = assessment.factors
        initial[f"{assessment.domain}_modifiable"] = assessment.modifiable
    return initial


class ActionForm(forms.Form):
    description = _text("The action", rows=3)
    owner = _line("Organisation responsible")
    due_on = _date("When it is due", required=False)


# --- Closure, NCMD and referral ------------------------------------------------------------------


class NcmdSentForm(forms.Form):
    sent_on = _date("Date sent to the National Child Mortality Database")


# --- Families ----------------------------------------------------------------------------------


class KeyWorkerForm(forms.Form):
    name = _line("Key worker's name")
    role = _line("Their role", required=False)
    contact = _line("Their phone number or email address", required=False)


class FamilyMemberForm(forms.Form):
    name = _line("Name")
    relationship = _line("Relationship to the child", hint="For example, mother.")
    contact_preference = _choice(
        "How they want to be contacted",
        ContactPreference.choices,
        message="Select how they want to be contacted",
    )
    phone = _line("Phone number", required=False, max_length=40)
    email = forms.EmailField(
        label="Email address",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": too_long("Email address", 254),
        },
    )
    address = _text("Address", required=False, rows=3)
    notes = _text("Notes", required=False, rows=3, hint="For example, needs an interpreter.")


class FamilyQuestionForm(forms.Form):
    question = _text("The family's question")
    asked_on = _date("Date asked")
    asked_by: RecordChoiceField = RecordChoiceField(
        label="Who asked",
        queryset=FamilyMember.objects.none(),
        required=False,
        empty_label="Not recorded",
        error_messages={"invalid_choice": "Select a member of this child's family"},
    )

    def __init__(self, *args: Any, family: list[FamilyMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["asked_by"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = FamilyMember.objects.filter(pk__in=[member.pk for member in family])
        field.label_from_instance = _family_label  # type: ignore[method-assign, assignment]


def _family_label(member: FamilyMember) -> str:
    return f"{member.name} ({member.relationship})"


class FamilyAnswerForm(forms.Form):
    answer = _text("The panel's answer", rows=5)
    answered_on = _date("Date answered")


# --- Panel meetings ----------------------------------------------------------------------------


class MeetingForm(forms.Form):
    held_on = _date("Date of the meeting")
    location = _line("Where", required=False)


class AttendanceForm(forms.Form):
    name = _line("Name")
    organisation = _line("Organisation")
    role = _line("Role", required=False)
    present = forms.TypedChoiceField(
        label="Were they there?",
        choices=[("yes", "Present"), ("no", "Sent apologies")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether they were present or sent apologies",
            "invalid_choice": "Select whether they were present or sent apologies",
        },
    )


class AgendaDecisionForm(forms.Form):
    decision = _choice("The panel's decision", Decision.choices, message="Select the decision")
    notes = _text("Notes", required=False, rows=4)
