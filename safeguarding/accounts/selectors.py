from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role


def user_has_role(user: User, *roles: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    names = {str(role) for role in roles}
    if "groups" in getattr(user, "_prefetched_objects_cache", {}):
        # staff_user() loaded this request's roles; Django drops them if they change.
        return not names.isdisjoint(user.role_names)
    return user.groups.filter(name__in=names).exists()


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def mfa_verified(request: HttpRequest) -> bool:
    """Signed in and past the second factor in this session (django-otp's middleware)."""
    user = request.user
    # OTPMiddleware adds is_verified() to request.user; the stubs cannot know that.
    return bool(user.is_authenticated and user.is_verified())  # type: ignore[attr-defined]


def staff_user(request: HttpRequest) -> User:
    """The signed-in person on a staff page (StaffSessionMiddleware has checked MFA)."""
    user = request.user
    if not isinstance(user, User) or not mfa_verified(request):
        raise PermissionDenied
    # Its roles once a request, for the view's checks and the page's navigation alike.
    prefetch_related_objects([user], "groups")
    return user


def staff_user_with_role(request: HttpRequest, *roles: Role) -> User:
    """The signed-in, MFA-verified person on a staff page, if they hold one of ``roles``."""
    user = staff_user(request)
    if not user_has_role(user, *roles):
        raise PermissionDenied
    return user
