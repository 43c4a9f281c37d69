"""Staff pages need a signed-in, MFA-verified, active account with a session under 12 hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

from safeguarding.accounts.selectors import confirmed_totp_device, mfa_verified
from safeguarding.core.middleware import may_be_signed_in

STAFF_PREFIX = "/staff/"
SESSION_STARTED_KEY = "auth_started_at"

# Staff URLs reachable before MFA is complete (by name in the "accounts" namespace).
PRE_MFA_URL_NAMES = (
    "login",
    "logout",
    "mfa_setup",
    "mfa_verify",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "invitation_accept",
)


class StaffSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        if refused is None:
            return self.get_response(request)
        patch_vary_headers(refused, ("Cookie",))  # the answer depends on the session
        return refused

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        # Without a session cookie nobody is signed in: no session is loaded, no user looked up.
        user = request.user if may_be_signed_in(request) else None
        signed_in = user is not None and user.is_authenticated
        if signed_in and self._session_too_old(request):
            logout(request)
            messages.info(request, "Your session ended after 12 hours. Sign in again.")
            return redirect(settings.LOGIN_URL)
        if not request.path.startswith(STAFF_PREFIX):
            return None
        # The URL is resolved here only when the answer may be a redirect (Django resolves it
        # again for the view): a verified member of staff's page is resolved once.
        if (signed_in and mfa_verified(request)) or self._pre_mfa_path(request):
            return None
        if user is None or not user.is_authenticated:
            login_url = reverse(settings.LOGIN_URL)
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        if confirmed_totp_device(user) is None:
            return redirect("accounts:mfa_setup")
        return redirect("accounts:mfa_verify")

    @staticmethod
    def _session_too_old(request: HttpRequest) -> bool:
        started = request.session.get(SESSION_STARTED_KEY)
        if not started:
            return True  # a session signed in without our login view is not trusted
        return bool(
            timezone.now() - datetime.fromisoformat(started) > settings.SESSION_ABSOLUTE_AGE
        )

    @staticmethod
    def _pre_mfa_path(request: HttpRequest) -> bool:
        match = request.resolver_match
        if match is None:
            from django.urls import Resolver404, resolve

            try:
                match = resolve(request.path_info)
            except Resolver404:
                return False
        name = match.url_name or ""
        return match.namespace == "accounts" and (
            name in PRE_MFA_URL_NAMES or name.startswith("password_reset")
        )
