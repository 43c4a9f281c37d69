"""Forms of the workspace pages: giving and ending access, and an information-sharing decision
with the other people it names. (``forms.py`` holds the forms the review apps reuse.)"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.core.date_input import GovukDateField
from safeguarding.core.forms import RecordChoiceField, too_long
from safeguarding.workspaces.forms import SharingDecisionForm
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.sharing import ThirdParty

REASON_LIMIT = 1000
THIRD_PARTY_SLOTS = 3

ROLE_CHOICES = [
    (MembershipRole.LEAD.value, "Lead: reads and adds records, and decides who has access"),
    (MembershipRole.MEMBER.value, "Member: reads and adds records"),
    (MembershipRole.REVIEWER.value, "Reviewer: reads records only"),
]


def access_ends_at(last_day: date) -> datetime:
    """Access "until 7 December" ends as 8 December begins, local time."""
    return timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))


class StaffChoiceField(RecordChoiceField):
    """A staff account chosen by name (with the email address, to tell two namesakes apart)."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else str(obj.email)


def _reason(label: str, required: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_LIMIT,
        error_messages={"required": required, "max_length": too_long("The reason", REASON_LIMIT)},
    )


class GrantForm(forms.Form):
    """Give someone access: who (from the active staff accounts), in what role, until when,
    and why."""

    user = StaffChoiceField(
        label="Who needs access",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        help_text=(
            "Only active staff accounts are listed. A partnership administrator can invite "
            "someone who has no account."
        ),
        error_messages={
            "required": "Select the person who needs access",
            "invalid_choice": "Select a person from the list",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a role", "invalid_choice": "Select a role"},
    )
    last_day = GovukDateField(
        label="Last day of access",
        required=False,
        hint=(
            "Leave empty if their access should last until someone removes it. A lead's "
            "access has no end date. For example, 27 3 2027"
        ),
    )
    reason = _reason(
        "Why they need access",
        "Enter why this person needs access",
        "For example, the health representative on the review panel.",
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        last_day = data.get("last_day")
        if last_day is not None:
            if last_day < timezone.localdate():
                self.add_error("last_day", "Last day of access must be today or in the future")
            elif data.get("role") == MembershipRole.LEAD:
                self.add_error(
                    "last_day", "A lead's access has no end date: leave the last day empty"
                )
        return data

    def expires_at(self) -> datetime | None:
        last_day = self.cleaned_data.get("last_day")
        return access_ends_at(last_day) if last_day else None


class RemoveForm(forms.Form):
    reason = _reason(
        "Why their access is ending",
        "Enter why this person's access is ending",
        "For example, they have left the review panel.",
    )


class SharingDecisionPageForm(SharingDecisionForm):
    """``SharingDecisionForm`` with up to three other people the decision names, each marked
    if they might be harmed were their details disclosed."""

    # Always needed, whatever was decided (the rest depend on the answers).
    ALWAYS = {
        "information": "Enter what information was shared, or asked for",
        "recipient_organisation": "Enter the organisation",
        "purpose": "Enter what the information is for",
        "rationale": "Enter the reasons for the decision",
    }

    # The sharing event the decision is for, when recorded from its link (empty otherwise).
    answers = forms.CharField(widget=forms.HiddenInput, required=False, max_length=80)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.ALWAYS.items():
            self.fields[name].required = True
            self.fields[name].error_messages["required"] = message
        self.fields["means"].help_text = "Needed if it was shared. For example, secure email."
        self.fields["consent_given"].label = "If consent was sought, was it given?"
        self.fields["consent_not_sought_reason"].label = "If consent was not sought, why not?"
        authorised_by = self.fields["authorised_by"]
        assert isinstance(authorised_by, forms.ModelChoiceField)  # noqa: S101 - declared there
        authorised_by.label = "If it was shared without consent, the manager who authorised it"
        authorised_by.empty_label = "Choose a manager"
        for index in range(1, THIRD_PARTY_SLOTS + 1):
            self.fields[f"other_person_{index}"] = forms.CharField(
                label=f"Other person {index} named in the information",
                help_text=(
                    "Who they are, not their name: for example, the neighbour."
                    if index == 1
                    else ""
                ),
                max_length=200,
                required=False,
                error_messages={"max_length": too_long("The description", 200)},
            )
            self.fields[f"other_person_{index}_harm"] = forms.BooleanField(
                label="They might be harmed if their details were disclosed",
                required=False,
            )
            self.fields[f"other_person_{index}_harm_reason"] = forms.CharField(
                label="Why they might be harmed",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=REASON_LIMIT,
                required=False,
                error_messages={"max_length": too_long("The reason", REASON_LIMIT)},
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for index in range(1, THIRD_PARTY_SLOTS + 1):
            who = (data.get(f"other_person_{index}") or "").strip()
            harm = data.get(f"other_person_{index}_harm")
            harm_reason = (data.get(f"other_person_{index}_harm_reason") or "").strip()
            if (harm or harm_reason) and not who:
                self.add_error(f"other_person_{index}", "Enter who the other person is")
            elif harm and not harm_reason:
                self.add_error(
                    f"other_person_{index}_harm_reason",
                    "Enter why this person might be harmed if their details were disclosed",
                )
        return data

    def third_parties(self) -> list[ThirdParty]:
        data = self.cleaned_data
        parties = []
        for index in range(1, THIRD_PARTY_SLOTS + 1):
            who = (data.get(f"other_person_{index}") or "").strip()
            if who:
                harm = bool(data.get(f"other_person_{index}_harm"))
                parties.append(
                    ThirdParty(
                        description=who,
                        harm_if_disclosed=harm,
                        harm_reason=data.get(f"other_person_{index}_harm_reason", "")
                        if harm
                        else "",
                    )
                )
        return parties

    def service_arguments(self) -> dict[str, Any]:
        arguments = super().service_arguments()
        for name in list(arguments):
            if name.startswith("other_person_"):
                del arguments[name]
        arguments["third_parties"] = self.third_parties()
        return arguments
