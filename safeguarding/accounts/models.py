from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import timezone

from safeguarding.accounts.sessions import SessionStore


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("Staff accounts need an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_staff", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff or a case-review professional. The public never has an account."""

    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the account was disabled; starts its retention."
    )
    is_staff = models.BooleanField(
        default=False, help_text="Django's admin flag; unused: staff pages check roles instead."
    )
    is_demo = models.BooleanField(
        default=False, help_text="An invented account created by seed_demo."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        # The People page's order (accounts.selectors.PeopleByName): a page is read from the
        # index instead of sorting every account for each request.
        indexes = [models.Index(fields=["full_name", "id"], name="user_by_name")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def role_names(self) -> list[str]:
        kept = self.__dict__.get(KEPT_ROLES)
        if kept is not None:
            return list(kept)
        return [group.name for group in self.groups.all()]

    def keep_roles(self, names: tuple[str, ...]) -> None:
        """Keep ``names`` as this instance's roles (``accounts.selectors.staff_user`` reads
        them once a request); forgotten when they change through it or it is refreshed, as
        Django forgets prefetched groups."""
        self.__dict__[KEPT_ROLES] = names

    def has_kept_roles(self) -> bool:
        return KEPT_ROLES in self.__dict__

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.__dict__.pop(KEPT_ROLES, None)
        super().refresh_from_db(*args, **kwargs)


# Where User.keep_roles keeps an instance's roles.
KEPT_ROLES = "_kept_role_names"


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts.kept_roles")
def forget_kept_roles(instance: object, **kwargs: Any) -> None:
    """A person's roles changed through this instance (``user.groups.add`` and the like):
    what it kept is out of date. (Changed from the group's side, no instance of the person
    is at hand; Django's own prefetched groups are the same.)"""
    if isinstance(instance, User):
        instance.__dict__.pop(KEPT_ROLES, None)


class StaffSession(AbstractBaseSession):
    """Django's database session with the signed-in user alongside, so that disabling an
    account or changing its MFA can end every one of its sessions server-side."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    authenticated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls) -> type:
        return SessionStore


class InvitationState(models.TextChoices):
    WAITING = "waiting", "Waiting"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    WITHDRAWN = "withdrawn", "Withdrawn"


class StaffInvitation(models.Model):
    """The invitation to a new member of staff to set their password (then two-factor).

    One per account: sending it again replaces the nonce, so only the newest link works.
    The nonce is in the link's signed token; accepting or withdrawing the invitation blanks
    it, so a used or withdrawn link is refused. The account stays inactive until accepted.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitation"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty for the first administrator, invited from the command line.",
    )
    nonce = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"Staff invitation {self.pk}"

    def state(self, now: datetime | None = None) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.withdrawn_at is not None:
            return InvitationState.WITHDRAWN
        if (now or timezone.now()) >= self.expires_at:
            return InvitationState.EXPIRED
        return InvitationState.WAITING

    @property
    def current_state(self) -> InvitationState:
        return self.state()
