"""Reads of restricted records: only a workspace's live members see them, outsiders get 404,
and every read is logged.

Apps with restricted records (case reviews, child death reviews) give each record a foreign
key to its ``Workspace`` and read them only through these, never ``Model.objects.get``::

    reviews = restricted_for_user(CaseReview.objects.all(), user=request.user)
    log_reads(request.user, page_of_reviews, purpose="list")
    review = get_restricted_or_404(
        CaseReview.objects.all(), user=request.user, pk=pk, purpose="view"
    )
    require_role(request.user, review.workspace, MembershipRole.LEAD, MembershipRole.MEMBER)

or ``RestrictedRecordMixin`` on a class-based detail view. A role (even partnership
administrator) never opens a workspace: only a live membership does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
    ValidationError,
)
from django.db import connection, models
from django.db.models import Count, F, Max, Min, Q
from django.http import Http404
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.workspaces.models import Membership, MembershipRole, ReadLog, Workspace

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    Person = User | AnonymousUser

M = TypeVar("M", bound=models.Model)

NOT_FOUND = "No such record"
# The annotation get_restricted_or_404 reads the record's workspace from.
_WORKSPACE_ID = "read_log_workspace_id"


def _may_see_anything(user: Person) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _live_memberships(user: Person) -> models.QuerySet[Membership]:
    if not _may_see_anything(user) or user.pk is None:
        return Membership.objects.none()
    return Membership.objects.live().filter(user_id=user.pk)


def workspaces_for(user: Person) -> models.QuerySet[Workspace]:
    """The workspaces ``user`` is a live member of."""
    return Workspace.objects.filter(pk__in=_live_memberships(user).values("workspace_id"))


def is_member_of_a(kind: str, user: Person) -> bool:
    """Whether ``user`` is a live member of any workspace of ``kind``.

    Every staff page's navigation asks (the case and child death review tools show to their
    members), so this runs the ORM's own statement for it, compiled once per process
    (``_member_of_a``): building it each time cost ten times what the database took."""
    if not _may_see_anything(user) or user.pk is None:
        return False
    sql, slots = _member_of_a(connection.vendor)
    values: dict[object, Any] = {
        _USER: user.pk,
        _KIND: kind,
        _AT: connection.ops.adapt_datetimefield_value(timezone.now()),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, [values.get(slot, slot) for slot in slots])
        return cursor.fetchone() is not None


# Stand-ins compiled into ``_member_of_a``'s statement where a request's values go: no
# account, kind or time is ever one of them.
_USER = -73_562_019
_KIND = "stand-in kind"
_AT = datetime(1901, 2, 3, 4, 5, 6, 789_012, tzinfo=UTC)


@cache
def _member_of_a(vendor: str) -> tuple[str, tuple[Any, ...]]:
    """``Membership.objects.live().filter(user=..., workspace__kind=...).exists()`` as the
    ORM compiles it for ``vendor``, and its parameters, with the names ``_USER``, ``_KIND``
    and ``_AT`` where the person, the kind and the time go (so "live" has one definition,
    ``MembershipQuerySet.live``)."""
    queryset = Membership.objects.live(at=_AT).filter(user_id=_USER, workspace__kind=_KIND)
    sql, params = queryset.query.exists().get_compiler(connection=connection).as_sql()
    stand_ins = {
        _USER: _USER,
        _KIND: _KIND,
        connection.ops.adapt_datetimefield_value(_AT): _AT,
    }
    slots = tuple(stand_ins.get(param, param) for param in params)
    if not all(stand_in in slots for stand_in in (_USER, _KIND, _AT)):
        raise ImproperlyConfigured(f"is_member_of_a cannot fill in its statement: {sql}")
    return sql, slots


def membership_of(user: Person, workspace: Workspace) -> Membership | None:
    """``user``'s live membership of ``workspace``, or None."""
    return _live_memberships(user).filter(workspace=workspace).first()


def require_role(user: Person, workspace: Workspace, *roles: MembershipRole) -> Membership:
    """``user``'s live membership, if it has one of ``roles`` (any role when none are given).

    Http404 for someone who is not a member, so an outsider cannot learn the workspace exists;
    PermissionDenied for a member whose role does not allow the action.
    """
    membership = membership_of(user, workspace)
    if membership is None:
        raise Http404(NOT_FOUND)
    if roles and membership.role not in roles:
        raise PermissionDenied("Your role in this workspace does not allow that.")
    return membership


def members_of(workspace: Workspace, *, user: Person) -> models.QuerySet[Membership]:
    """The live memberships of ``workspace``, for its members only (Http404 for others)."""
    require_role(user, workspace)
    return (
        Membership.objects.live()
        .filter(workspace=workspace)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )


def past_members_of(workspace: Workspace, *, user: Person) -> models.QuerySet[Membership]:
    """The memberships of ``workspace`` that have ended (revoked or expired), latest first, for
    its members only (Http404 for others)."""
    require_role(user, workspace)
    live = Membership.objects.live().filter(workspace=workspace).values("pk")
    return (
        Membership.objects.filter(workspace=workspace)
        .exclude(pk__in=live)
        .select_related("user", "granted_by", "revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-expires_at", "-pk")
    )


# --- Recertification (``recertification``) -----------------------------------------------


@dataclass(frozen=True)
class Recertification:
    """When a membership falls due for a lead to confirm it, and when it lapses if no lead
    has by then (``WORKSPACE_RECERTIFY_DAYS`` and ``WORKSPACE_RECERTIFY_GRACE_DAYS``)."""

    due_at: datetime
    lapses_at: datetime

    def is_due(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.due_at


def recertify_period() -> timedelta:
    return timedelta(days=settings.WORKSPACE_RECERTIFY_DAYS)


def recertify_grace() -> timedelta:
    return timedelta(days=settings.WORKSPACE_RECERTIFY_GRACE_DAYS)


def recertification(membership: Membership) -> Recertification | None:
    """When ``membership`` must be confirmed; None for a lead, whose access does not lapse."""
    if membership.role == MembershipRole.LEAD:
        return None
    due_at = membership.confirmed_at + recertify_period()
    return Recertification(due_at=due_at, lapses_at=due_at + recertify_grace())


def grant_candidates(workspace: Workspace, *, actor: User) -> models.QuerySet[User]:
    """Who ``actor`` (a lead) may give access to: active staff accounts with no live membership
    of ``workspace``, other than the lead themselves."""
    members = Membership.objects.live().filter(workspace=workspace).values("user_id")
    return active_staff(excluding=actor).exclude(pk__in=members)


def active_staff(*, excluding: User) -> models.QuerySet[User]:
    """Active staff accounts by name, other than ``excluding`` (a manager to authorise what
    ``excluding`` decided, say)."""
    active = User.objects.filter(is_active=True).exclude(pk=excluding.pk)
    return active.order_by("full_name", "email")


# --- Who has seen a workspace (for its leads) ------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """Someone who has read a workspace's records: how often, first and last."""

    user: User
    reads: int
    first: datetime
    last: datetime


def readers_of(workspace: Workspace) -> list[Reader]:
    """Everyone the read log says has read ``workspace`` or its records, latest reader first.
    For a page its lead alone may open (``pages.workspace_view(role=LEAD)``)."""
    rows = list(
        ReadLog.objects.filter(workspace=workspace)
        .values("user_id")
        .annotate(reads=Count("id"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("-last")
    )
    users = User.objects.in_bulk([row["user_id"] for row in rows])
    return [
        Reader(user=users[row["user_id"]], reads=row["reads"], first=row["first"], last=row["last"])
        for row in rows
    ]


def recent_reads(workspace: Workspace, *, limit: int = 100) -> list[ReadLog]:
    """The latest reads of ``workspace`` and its records, newest first (for its lead)."""
    reads = ReadLog.objects.filter(workspace=workspace).select_related("user")
    return list(reads.order_by("-occurred_at", "-id")[:limit])


def workspace_history(workspace: Workspace, *, limit: int = 100) -> list[AuditEntry]:
    """The audit trail's entries about ``workspace``, newest first (for its lead): those that
    target it and those whose details name it as ``workspace`` (access given, ended and
    confirmed, documents added, sharing decisions recorded, and any app's entry that says
    which workspace it was in)."""
    entries = AuditEntry.objects.filter(
        Q(target_type=Workspace._meta.label_lower, target_id=str(workspace.pk))
        | Q(details__workspace=workspace.pk)
    )
    return list(entries.select_related("actor").order_by("-sequence")[:limit])


def restricted_for_user(
    queryset: models.QuerySet[M], *, user: Person, workspace_field: str = "workspace"
) -> models.QuerySet[M]:
    """Only the records of ``queryset`` in a workspace ``user`` is a live member of.

    ``workspace_field`` is the path from the model to its workspace ("workspace", or
    "review__workspace" for a record inside a review). An inactive user sees nothing.
    """
    return queryset.filter(
        **{f"{workspace_field}__in": _live_memberships(user).values("workspace_id")}
    )


def get_restricted_or_404(
    queryset: models.QuerySet[M],
    *,
    user: Person,
    pk: Any,
    purpose: str,
    workspace_field: str = "workspace",
) -> M:
    """One restricted record for a member, logged as a read; Http404 for everyone else.

    A 404 rather than a 403, so an outsider cannot even learn that the record exists.
    """
    visible = restricted_for_user(queryset, user=user, workspace_field=workspace_field)
    try:
        record: M = visible.annotate(**{_WORKSPACE_ID: F(workspace_field)}).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404(NOT_FOUND) from None
    _write_reads(user, [(record, getattr(record, _WORKSPACE_ID))], purpose=purpose)
    return record


def log_reads(
    user: Person,
    records: Iterable[models.Model],
    purpose: str,
    *,
    workspace_field: str = "workspace",
) -> int:
    """Log that ``user`` was shown each of ``records`` (a list page): one insert for them all,
    and no wait for the audit chain. Returns how many reads were logged.

    Pass records read through ``restricted_for_user``; for a ``workspace_field`` that crosses
    a relation, ``select_related`` it so that finding each record's workspace costs nothing.
    """
    return _write_reads(
        user,
        [(record, _workspace_id(record, workspace_field)) for record in records],
        purpose=purpose,
    )


def _workspace_id(record: models.Model, workspace_field: str) -> Any:
    if isinstance(record, Workspace) and workspace_field == "pk":
        return record.pk
    *path, last = workspace_field.split("__")
    holder: Any = record
    for step in path:
        holder = getattr(holder, step)
    return getattr(holder, f"{last}_id")


def _write_reads(user: Person, reads: list[tuple[models.Model, Any]], *, purpose: str) -> int:
    if not purpose.strip():
        raise ValueError("Say why the records were read (the purpose).")
    if user.pk is None:
        raise ValueError("Only a signed-in person's reads are logged.")
    rows = [
        ReadLog(
            user_id=user.pk,
            workspace_id=workspace_id,
            target_type=record._meta.label_lower,
            target_id=str(record.pk),
            purpose=purpose,
        )
        for record, workspace_id in reads
    ]
    ReadLog.objects.bulk_create(rows)
    return len(rows)


class RestrictedRecordMixin:
    """For DetailView-style views over a restricted model: members only, reads logged.

    Set ``workspace_field`` when the model reaches its workspace through a relation, and
    ``read_purpose`` to say why the page shows the record.
    """

    request: Any
    kwargs: dict[str, Any]
    pk_url_kwarg = "pk"
    workspace_field = "workspace"
    read_purpose = "view"

    def get_queryset(self) -> models.QuerySet[Any]:
        return super().get_queryset()  # type: ignore[misc, no-any-return]  # from the view class

    def get_object(self, queryset: models.QuerySet[Any] | None = None) -> models.Model:
        record: models.Model = get_restricted_or_404(
            queryset if queryset is not None else self.get_queryset(),
            user=self.request.user,
            pk=self.kwargs[self.pk_url_kwarg],
            purpose=self.read_purpose,
            workspace_field=self.workspace_field,
        )
        return record
