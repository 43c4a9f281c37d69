from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.validators import MaxLengthValidator

from safeguarding.accounts import throttle
from safeguarding.accounts.tasks import send_password_reset
from safeguarding.core.forms import too_long
from safeguarding.core.tasks import enqueue_in_transaction

EMAIL_MAX_LENGTH = 254


class StaffAuthenticationForm(AuthenticationForm):
    """Email and password. Django's form calls ``authenticate`` with the request, which lets
    django-axes count failures per account and per address."""

    error_messages = {
        "invalid_login": "Enter a correct email address and password.",
        "inactive": "This account has been disabled.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "username", "spellcheck": "false"}
        )
        # Django's form sets the field's max_length after building it, so nothing checked it;
        # a longer address went on to django-axes, whose failure record PostgreSQL refused.
        username = self.fields["username"]
        limit = getattr(username, "max_length", None) or EMAIL_MAX_LENGTH
        username.validators.append(
            MaxLengthValidator(limit, message=too_long("Email address", limit))
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username:
            wait = throttle.seconds_to_wait(username)
            if wait:  # said the same for any address typed, known or not
                raise forms.ValidationError(
                    f"There have been too many wrong passwords for this email address. Wait "
                    f"{wait} second{'s' if wait != 1 else ''}, then try again.",
                    code="throttled",
                )
        return super().clean()


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "class": "govuk-input--width-10",
            }
        ),
        error_messages={"required": "Enter the code"},
    )


class EnrolmentForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=6,
        min_length=6,
        help_text="Enter the 6-digit code the app shows for this account.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
            }
        ),
        error_messages={
            "required": "Enter the 6-digit code from your authenticator app",
            "min_length": "The code must be 6 digits",
            "max_length": "The code must be 6 digits",
        },
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError("The code must be 6 digits")
        return code


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Enter a reason"},
    )


class StaffPasswordResetForm(PasswordResetForm):
    """Django's reset form, except that the email is written by a background task from the
    account's id (``send_password_reset``): no live link waits in the task queue, and the
    link starts with SITE_URL whatever Host header the request named."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            enqueue_in_transaction(send_password_reset, user_id=user.pk)
