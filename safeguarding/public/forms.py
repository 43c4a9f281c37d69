"""The public site's forms. They check shape and length only; the services decide."""

from __future__ import annotations

from django import forms

from safeguarding.core.forms import HintedRadioSelect, email_field, too_long
from safeguarding.public.consent import Choice
from safeguarding.public.models import MESSAGE_MAX_LENGTH, NAME_MAX_LENGTH, EnquiryKind

ANALYTICS_CHOICES = [(Choice.ACCEPTED.value, "Yes"), (Choice.REJECTED.value, "No")]


class CookiePreferencesForm(forms.Form):
    """The cookies page: one question per optional category, defaulting to No."""

    analytics = forms.ChoiceField(
        label="Do you want to accept analytics cookies?",
        choices=ANALYTICS_CHOICES,
        initial=Choice.REJECTED.value,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether you want to accept analytics cookies",
            "invalid_choice": "Choose whether you want to accept analytics cookies",
        },
    )


class CookieBannerForm(forms.Form):
    """What the banner's Accept and Reject buttons send (the button's value) and the page to
    go back to."""

    analytics = forms.ChoiceField(choices=ANALYTICS_CHOICES)
    next = forms.CharField(required=False, max_length=2000)


class EnquiryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is your enquiry about?",
        choices=EnquiryKind.choices,
        widget=HintedRadioSelect(
            hints={
                EnquiryKind.FREEDOM_OF_INFORMATION.value: (
                    "We are not subject to Freedom of Information requests. Choose this to find "
                    "out where to make yours: what you write here is not sent, and you can "
                    "send it to us as another kind of enquiry instead."
                )
            }
        ),
        error_messages={
            "required": "Choose what your enquiry is about",
            "invalid_choice": "Choose what your enquiry is about",
        },
    )
    name = forms.CharField(
        label="Your name",
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your name",
            "max_length": too_long("Your name", NAME_MAX_LENGTH),
        },
    )
    email = email_field(help_text="We will only use this to reply to you.")
    message = forms.CharField(
        label="Your message",
        max_length=MESSAGE_MAX_LENGTH,
        help_text="Do not include information about a child or family.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "Enter your message",
            "max_length": too_long("Your message", MESSAGE_MAX_LENGTH),
        },
    )

    def is_foi_request(self) -> bool:
        """A Freedom of Information request gets its answer whatever else was filled in."""
        return self.data.get("kind") == EnquiryKind.FREEDOM_OF_INFORMATION.value
