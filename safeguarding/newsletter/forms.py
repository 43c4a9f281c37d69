"""Newsletter forms. They check shape only; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from safeguarding.core.date_input import GovukDateField, GovukDateTimeField
from safeguarding.core.forms import (
    RecordsChoiceField,
    email_field,
    one_line,
    too_long,
)
from safeguarding.newsletter.models import Topic
from safeguarding.privacy.models.rights import RequestKind


class TopicChoiceField(RecordsChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}: {obj.description}" if obj.description else str(obj.name)


def _topics(label: str, help_text: str = "") -> TopicChoiceField:
    return TopicChoiceField(
        label=label,
        help_text=help_text,
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one thing you would like to receive",
            "invalid_choice": "Choose from the list",
            "invalid_pk_value": "Choose from the list",
        },
    )


class SignUpForm(forms.Form):
    """Boxes are never ticked for the person: consent is what they tick themselves."""

    topics = _topics("What would you like to receive?", "Select all that apply.")
    email = email_field(
        help_text="We will send a link to this address; nothing else is sent until you open it."
    )
    name = forms.CharField(
        label="Name (optional)",
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"max_length": "Name must be 150 characters or fewer"},
    )


class ManageForm(forms.Form):
    topics = RecordsChoiceField(
        label="What would you like to receive?",
        help_text="Untick everything to unsubscribe from all our emails.",
        queryset=Topic.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose from the list"},
    )


YOUR_DATA_CHOICES = {
    RequestKind.ACCESS.value: "Send me a copy of all the data you hold about me",
    RequestKind.ERASURE.value: "Erase all the data you hold about me",
}


class YourDataForm(forms.Form):
    """From the manage page: a rights request for the subscriber's own address, confirmed by
    the privacy engine's emailed link like any other (a manage link can be forwarded)."""

    kind = forms.ChoiceField(
        label="What would you like us to do?",
        choices=list(YOUR_DATA_CHOICES.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you would like us to do",
            "invalid_choice": "Choose from the list",
        },
    )


class StaffYourDataForm(forms.Form):
    """From a subscriber's staff page, at their request: the same request as the manage
    page's, confirmed by the link the privacy engine emails to their address."""

    kind = forms.ChoiceField(
        label="What have they asked for?",
        choices=[
            (RequestKind.ACCESS.value, "A copy of all the data we hold about them"),
            (RequestKind.ERASURE.value, "Erase all the data we hold about them"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what they have asked for",
            "invalid_choice": "Choose from the list",
        },
    )


class CampaignForm(forms.Form):
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        validators=[one_line("The subject")],
        error_messages={"required": "Enter a subject"},
    )
    body_markdown = forms.CharField(
        label="Message",
        help_text="Markdown: # heading, **bold**, [link text](https://...). HTML is not allowed.",
        widget=forms.Textarea(attrs={"rows": 16}),
        max_length=100_000,
        error_messages={"required": "Enter the message"},
    )
    topics = _topics("Send to subscribers of")


class ScheduleForm(forms.Form):
    when = forms.ChoiceField(
        label="When should it be sent?",
        choices=(("now", "Now"), ("later", "At a set time")),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when to send it"},
    )
    scheduled_for = GovukDateTimeField(
        label="Date and time (for a set time)", what="the sending", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") == "later":
            moment = data.get("scheduled_for")
            if moment is None and "scheduled_for" not in self.errors:
                self.add_error("scheduled_for", "Enter the date and time to send it")
            elif moment is not None and moment <= timezone.now():
                self.add_error("scheduled_for", "The time must be in the future")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "UTF-8 CSV with the columns email, name, topics (slugs separated by spaces), "
            "consent_date (YYYY-MM-DD), consent_method (paper or import) and consent_evidence. "
            "Rows without consent evidence are rejected."
        ),
        error_messages={"required": "Choose a CSV file"},
    )


def active_topics() -> QuerySet[Topic]:
    return Topic.objects.filter(is_active=True)


class PaperConsentForm(forms.Form):
    """A paper sign-up form entered by staff, with where the paper is kept."""

    email = email_field(own_address=False)
    name = forms.CharField(label="Name (optional)", required=False, max_length=150)
    topics = _topics("What did they ask to receive?")
    given_on = GovukDateField(
        label="Date on the form",
        what="The date on the form",
        required_message="Enter the date on the form",
        hint="For example, 15 1 2026",
    )
    evidence = forms.CharField(
        label="Where the signed form is kept",
        max_length=300,
        help_text="For example, a file reference. Without evidence nothing is recorded.",
        error_messages={"required": "Say where the signed form is kept"},
    )

    def clean_given_on(self) -> Any:
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date cannot be in the future")
        return day


class WordingForm(forms.Form):
    text = forms.CharField(
        label="Consent wording",
        help_text="Saving a change makes a new version; earlier consents keep the words they saw.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=2000,
        error_messages={"required": "Enter the consent wording"},
    )


class TopicForm(forms.Form):
    """Adding a topic (with its code) or changing one (with its place in the list)."""

    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="As people see it on the sign-up form, for example “Events and campaigns”.",
        error_messages={
            "required": "Enter the topic's name",
            "max_length": "The name must be 120 characters or fewer",
        },
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=300,
        required=False,
        help_text="One line saying what people will receive and how often.",
        error_messages={"max_length": "The description must be 300 characters or fewer"},
    )


class TopicAddForm(TopicForm):
    slug = forms.SlugField(
        label="Code for import files (optional)",
        max_length=50,
        required=False,
        help_text=(
            "Lower-case letters, numbers and hyphens, for example “events”. Left empty, it is "
            "made from the name. It cannot be changed later."
        ),
        error_messages={
            "invalid": "The code can only use letters, numbers and hyphens",
            "max_length": "The code must be 50 characters or fewer",
        },
    )


class TopicChangeForm(TopicForm):
    position = forms.IntegerField(
        label="Place on the sign-up form",
        min_value=0,
        max_value=999,
        help_text="Topics are listed from the lowest number.",
        error_messages={
            "required": "Enter a number for the topic's place",
            "invalid": "Enter a whole number",
            "min_value": "Enter a number from 0 to 999",
            "max_value": "Enter a number from 0 to 999",
        },
    )


class SubscriberSearchForm(forms.Form):
    """Posted, never put in the address: what was typed is kept in the session."""

    query = forms.CharField(
        label="Email address or name",
        min_length=3,
        max_length=254,
        help_text="All or part of it, for example “sam.jones@” or “Jones”.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "required": "Enter an email address or name to search for",
            "min_length": "Enter at least 3 characters",
            "max_length": too_long("The search", 254),
        },
    )


def _reason() -> forms.CharField:
    return forms.CharField(
        label="Why are you doing this for them?",
        help_text=(
            "For example, “Asked by phone on 3 March”. The reason is kept in the audit trail."
        ),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why you are doing this for them",
            "max_length": too_long("The reason", 500),
        },
    )


class SubscriberTopicsForm(forms.Form):
    """The topics to keep, from those the subscriber has now."""

    keep = TopicChoiceField(
        label="Which topics should they keep?",
        help_text="Untick the topics they no longer want.",
        queryset=Topic.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={
            "invalid_choice": "Choose from the list",
            "invalid_pk_value": "Choose from the list",
        },
    )
    reason = _reason()

    def __init__(self, *args: Any, topics: QuerySet[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = topics  # type: ignore[attr-defined]  # a ModelMultipleChoiceField


class ReasonForm(forms.Form):
    reason = _reason()
