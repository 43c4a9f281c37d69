from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MaxLengthValidator

from safeguarding.accounts import throttle
from safeguarding.accounts.invitations import EMAIL_IN_USE
from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES
from safeguarding.accounts.tasks import send_password_reset
from safeguarding.core.forms import email_field, one_line, too_long
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

    email = email_field(
        label="Email address",
        help_text="The address you sign in with.",
        required_message="Enter the email address you sign in with",
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            enqueue_in_transaction(send_password_reset, user_id=user.pk)


class StaffSetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]  # generic in django-stubs only
    """Django's new-password form, in the invitation form's words."""

    error_messages = {"password_mismatch": "The passwords do not match"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "New password", "Type the password again"
        first.help_text = (
            "Use at least 12 characters. A few unrelated words make a strong password."
        )
        first.error_messages["required"] = "Enter a new password"
        second.error_messages["required"] = "Enter the password again"


def _role_choices() -> list[tuple[str, str]]:
    return [(str(role), str(role)) for role in ALL_ROLES]


class InviteForm(forms.Form):
    full_name = forms.CharField(
        label="Full name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's full name",
            "max_length": "The name must be 150 characters or fewer",
        },
    )
    email = forms.EmailField(
        label="Email address",
        help_text="Their work email address. The invitation is sent there.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )
    roles = forms.MultipleChoiceField(
        label="Roles",
        help_text="Select all that apply. Each role opens the staff tools for that work.",
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one role for the person"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].validators.append(one_line("The name"))

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(EMAIL_IN_USE)
        return email


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="Roles",
        help_text="Select all that apply. Leave all unticked to take every role away.",
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class InvitationPasswordForm(forms.Form):
    """The invited person's first password, checked by Django's password validators."""

    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        help_text="Use at least 12 characters. A few unrelated words make a strong password.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a password"},
    )
    password2 = forms.CharField(
        label="Type the password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the password again"},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The passwords do not match")
        return cleaned
