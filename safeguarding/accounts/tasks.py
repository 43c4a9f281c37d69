"""Background tasks for staff accounts. They take ids and build what they send themselves."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from safeguarding.accounts.models import User
from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import email_task, header_text


@email_task("A password reset link")
def send_password_reset(*, user_id: int) -> int:
    """Email a password reset link, made now, to an active account with a password. The link
    is valid for PASSWORD_RESET_TIMEOUT from this moment and stops working once used."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return 0
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "link": absolute_url(path),
        "partnership": settings.PARTNERSHIP,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    message = EmailMultiAlternatives(
        subject=header_text(render_to_string("accounts/email/password_reset_subject.txt", context)),
        body=render_to_string("accounts/email/password_reset.txt", context),
        to=[user.email],
    )
    return message.send()


@email_task("A notice that recovery codes were replaced")
def send_recovery_codes_replaced(*, user_id: int) -> int:
    """Tell a member of staff their recovery codes were replaced (by them, or someone with
    their session and their phone)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return 0
    context = {
        "partnership": settings.PARTNERSHIP,
        "sign_in": absolute_url(reverse("accounts:login")),
    }
    message = EmailMultiAlternatives(
        subject=header_text(
            render_to_string("accounts/email/recovery_codes_replaced_subject.txt", context)
        ),
        body=render_to_string("accounts/email/recovery_codes_replaced.txt", context),
        to=[user.email],
    )
    return message.send()
