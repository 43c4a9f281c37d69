from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, cast, overload

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Field
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import StaffInvitation, User
from safeguarding.accounts.roles import Role


def user_has_role(user: User, *roles: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    names = {str(role) for role in roles}
    if user.has_kept_roles() or "groups" in getattr(user, "_prefetched_objects_cache", {}):
        # staff_user() read this request's roles; they are forgotten if they change.
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
    if not user.has_kept_roles():
        user.keep_roles(roles_of(user.pk))
    return user


def roles_of(user_id: int) -> tuple[str, ...]:
    """The names of a person's roles, by name: one plain statement, made once per process
    (every staff page reads them, and the ORM's building of a prefetch of groups cost more
    than the database took to answer it)."""
    with connection.cursor() as cursor:
        cursor.execute(_roles_statement(connection.vendor), [user_id])
        return tuple(name for (name,) in cursor.fetchall())


@cache
def _roles_statement(vendor: str) -> str:
    """``roles_of``'s statement, quoted for ``vendor``."""
    quote = connection.ops.quote_name
    held = User.groups.through
    return (  # noqa: S608  (names from the models)
        "SELECT g.{name} FROM {group} g JOIN {held} h ON h.{held_group} = g.{group_id} "
        "WHERE h.{holder} = %s ORDER BY g.{name}"
    ).format(
        name=quote(Group._meta.get_field("name").column),
        group=quote(Group._meta.db_table),
        held=quote(held._meta.db_table),
        held_group=quote(held._meta.get_field("group").column),
        group_id=quote(Group._meta.get_field("id").column),
        holder=quote(held._meta.get_field("user").column),
    )


def staff_user_with_role(request: HttpRequest, *roles: Role) -> User:
    """The signed-in, MFA-verified person on a staff page, if they hold one of ``roles``."""
    user = staff_user(request)
    if not user_has_role(user, *roles):
        raise PermissionDenied
    return user


# --- The People page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListedPerson:
    """One account as the People page lists it (no password hash, no other field)."""

    pk: int
    full_name: str
    email: str
    is_active: bool
    invitation: StaffInvitation | None  # only its dates, for its state
    roles: tuple[str, ...]  # the names of the person's roles, in order


class PeopleByName(Sequence[ListedPerson]):
    """Every account by name, for Django's ``Paginator``: how many there are, and a page of
    them with each one's invitation and roles in one statement.

    Plain statements, made once per process from the models' tables and columns: the page
    is every administrator's list, and the ORM's building of its statements cost twice
    what the database took to answer them."""

    def __len__(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(_people_statements(connection.vendor)[0])
            return int(cursor.fetchone()[0])

    @overload
    def __getitem__(self, index: int) -> ListedPerson: ...
    @overload
    def __getitem__(self, index: slice) -> list[ListedPerson]: ...
    def __getitem__(self, index: int | slice) -> ListedPerson | list[ListedPerson]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        return self._page(index.start or 0, index.stop)

    def _page(self, start: int, stop: int) -> list[ListedPerson]:
        with connection.cursor() as cursor:
            cursor.execute(_people_statements(connection.vendor)[1], [stop - start, start])
            rows = cursor.fetchall()
        # A row per role (or one with no role), in the page's order.
        people: dict[int, tuple[tuple[Any, ...], list[str]]] = {}
        for *person, role in rows:
            roles = people.setdefault(person[0], (tuple(person), []))[1]
            if role is not None:
                roles.append(role)
        return [_listed(person, roles) for person, roles in people.values()]


# What the page reads of each account (no password hash) and of its invitation.
_LISTED = ("id", "full_name", "email", "is_active")
_INVITATION_DATES = ("expires_at", "accepted_at", "withdrawn_at")


def _listed(row: tuple[Any, ...], roles: list[str]) -> ListedPerson:
    pk, full_name, email, is_active, invitation_id, *dates = row
    invitation = None
    if invitation_id is not None:
        invitation = StaffInvitation(
            pk=invitation_id,
            user_id=pk,
            **{
                name: _from_database(name, value)
                for name, value in zip(_INVITATION_DATES, dates, strict=True)
            },
        )
    return ListedPerson(pk, full_name, email, bool(is_active), invitation, tuple(roles))


def _from_database(name: str, value: Any) -> Any:
    """An invitation's date as the ORM reads it (SQLite gives text, naive): the converters
    Django's compiler applies to the column."""
    field = cast("Field[Any, Any]", StaffInvitation._meta.get_field(name))
    column = field.cached_col
    for convert in (
        *connection.ops.get_db_converters(column),
        *column.get_db_converters(connection),
    ):
        value = convert(value, column, connection)
    return value


@cache
def _people_statements(vendor: str) -> tuple[str, str]:
    """The count, and a page (its size and offset as parameters), quoted for ``vendor``."""
    return _build_people_statements()


def _build_people_statements() -> tuple[str, str]:
    quote = connection.ops.quote_name
    held = User.groups.through

    def column(model: Any, field: str) -> str:
        return quote(model._meta.get_field(field).column)

    names = {
        "user": quote(User._meta.db_table),
        "invitation": quote(StaffInvitation._meta.db_table),
        "held": quote(held._meta.db_table),
        "group": quote(Group._meta.db_table),
        "listed": ", ".join(column(User, name) for name in _LISTED),
        "id": column(User, "id"),
        "full_name": column(User, "full_name"),
        "invitation_id": column(StaffInvitation, "id"),
        "dates": ", ".join(f"i.{column(StaffInvitation, name)}" for name in _INVITATION_DATES),
        "invited": column(StaffInvitation, "user"),
        "holder": column(held, "user"),
        "held_group": column(held, "group"),
        "group_id": column(Group, "id"),
        "group_name": column(Group, "name"),
    }
    count = "SELECT COUNT(*) FROM {user}".format(**names)  # noqa: S608  (names from the models)
    # The page's people first (so LIMIT counts people, not roles), then their invitation and
    # roles: a row per role, or one for a person with none.
    page = (  # noqa: S608  (names from the models)
        "SELECT p.*, i.{invitation_id}, {dates}, g.{group_name} "
        "FROM (SELECT {listed} FROM {user} ORDER BY {full_name}, {id} LIMIT %s OFFSET %s) p "
        "LEFT OUTER JOIN {invitation} i ON i.{invited} = p.{id} "
        "LEFT OUTER JOIN {held} h ON h.{holder} = p.{id} "
        "LEFT OUTER JOIN {group} g ON g.{group_id} = h.{held_group} "
        "ORDER BY p.{full_name}, p.{id}, g.{group_name}"
    ).format(**names)
    return count, page
