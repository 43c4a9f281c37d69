from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp.models import Device

from safeguarding.accounts import mfa, services, sign_in
from safeguarding.accounts.forms import (
    CodeForm,
    EnrolmentForm,
    StaffAuthenticationForm,
    StaffPasswordResetForm,
    StaffSetPasswordForm,
)
from safeguarding.accounts.models import User
from safeguarding.accounts.navigation import tools_for, work_to_come
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import (
    confirmed_totp_device,
    mfa_verified,
    recovery_codes_left,
    staff_user,
    staff_user_with_role,
    user_has_role,
)
from safeguarding.core.form_views import RefusedFormAnswers400, form_status
from safeguarding.core.forms import posted
from safeguarding.core.models import FailedEmail
from safeguarding.core.ratelimit import Limit, over_limit, too_many_response

PEOPLE_PER_PAGE = 50


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


class StaffLoginView(RefusedFormAnswers400, auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = StaffAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        next_url = _safe_next(
            self.request, self.request.POST.get("next") or self.request.GET.get("next")
        )
        sign_in.password_accepted(request=self.request, user=user, next_url=next_url)
        if confirmed_totp_device(user) is None:
            return redirect("accounts:mfa_setup")
        return redirect("accounts:mfa_verify")

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # The cleaned address, not the raw one: what failed the field's checks (a NUL byte,
        # which PostgreSQL refuses in a query) names no account.
        email = (form.cleaned_data.get("username") or "").strip().lower()
        throttled = form.has_error(NON_FIELD_ERRORS, "throttled")
        sign_in.sign_in_refused(
            email=email,
            locked=getattr(self.request, "axes_locked_out", False),
            throttled=throttled,
            wrong=form.has_error(NON_FIELD_ERRORS),
        )
        response = super().form_invalid(form)
        if throttled:
            response.status_code = 429
        return response


def _finish_mfa(request: HttpRequest, user: User, device: Device) -> HttpResponse:
    sign_in.second_factor_done(request=request, user=user, device=device)
    next_url = _safe_next(request, request.session.pop(sign_in.NEXT_KEY, None))
    return redirect(next_url or "accounts:dashboard")


def mfa_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in (or after an MFA reset): enrol an authenticator app."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    if confirmed_totp_device(user) is not None:
        return redirect("accounts:mfa_verify")
    device = mfa.pending_totp_device(user)
    form = EnrolmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.mfa_confirm_enrolment(
                user=user, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            device.refresh_from_db()
            sign_in.second_factor_done(request=request, user=user, device=device)
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "first_time": True}
            )
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_code": mfa.qr_code_data_uri(device),
            "text_secret": mfa.text_secret(device),
        },
        status=form_status(form),
    )


def mfa_verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user = request.user
    if mfa_verified(request):
        return redirect("accounts:dashboard")
    if confirmed_totp_device(user) is None:
        return redirect("accounts:mfa_setup")
    form = CodeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        persistent_id = services.mfa_verify(user=user, code=form.cleaned_data["code"])
        if persistent_id:
            device = Device.from_persistent_id(persistent_id)
            if device is None:  # deleted between the check and now
                return redirect("accounts:login")
            return _finish_mfa(request, user, device)
        form.add_error("code", "The code is not correct, has been used already, or has expired.")
    return render(request, "accounts/mfa_verify.html", {"form": form}, status=form_status(form))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sign_in.sign_out(request=request)
    messages.success(request, "You have signed out.")
    return redirect("accounts:login")


@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "staff/dashboard.html",
        {
            "roles": user.role_names,
            "recovery_codes_left": recovery_codes_left(user),
            "is_administrator": user_has_role(user, Role.PARTNERSHIP_ADMINISTRATOR),
            "tools": tools_for(user),
            "work_to_come": work_to_come(user),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def recovery_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = EnrolmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.recovery_codes_regenerate(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            return render(
                request, "accounts/recovery_codes.html", {"codes": codes, "first_time": False}
            )
    return render(
        request, "accounts/recovery_codes_replace.html", {"form": form}, status=form_status(form)
    )


# --- People (partnership administrators) -------------------------------------------------------


def _require_administrator(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.PARTNERSHIP_ADMINISTRATOR)


# Why an email failed, in plain words, by the error's type; anything else is "other".
FAILURE_REASONS = {
    "SMTPRecipientsRefused": "The mail server refused the address",
    "SMTPSenderRefused": "The mail server refused our sending address",
    "SMTPDataError": "The mail server refused the message",
    "EveryMessageRefused": "The mail server refused every message it was given",
    "SMTPAuthenticationError": "The mail server did not accept our sign-in details",
    "SMTPServerDisconnected": "The mail server closed the connection",
    "SMTPConnectError": "The mail server could not be reached",
    "ConnectionRefusedError": "The mail server could not be reached",
    "TimeoutError": "The mail server did not answer in time",
}


@require_safe
def failed_emails(request: HttpRequest) -> HttpResponse:
    """Emails the worker gave up on after every retry, newest first, with the reason."""
    _require_administrator(request)
    page = Paginator(FailedEmail.objects.all(), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (
            failure,
            FAILURE_REASONS.get(failure.reason, "Something else went wrong"),
        )
        for failure in page.object_list
    ]
    return render(request, "accounts/failed_emails.html", {"rows": rows, "page": page})


# --- Password reset (Django's views; MFA is still required at the next sign-in) -----------------


PASSWORD_RESET_LIMIT = Limit("password-reset", per_address="3/h", per_client="20/h")


class PasswordResetView(RefusedFormAnswers400, auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        if over_limit(self.request, PASSWORD_RESET_LIMIT, address=form.cleaned_data["email"]):
            return too_many_response(self.request, form, self.template_name)
        form.save()  # StaffPasswordResetForm: a task per account, the email built there
        return redirect(self.get_success_url())


class PasswordResetConfirmView(RefusedFormAnswers400, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = StaffSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            sign_in.password_reset_done(user=form.user)
        return response
