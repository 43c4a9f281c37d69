"""What every workspace page starts with: the signed-in member's workspace, read through the
selectors, or 404.

    @require_safe
    @workspace_view(role=MembershipRole.LEAD)
    def who_has_seen(request: HttpRequest, page: WorkspacePage) -> HttpResponse:
        return render(request, "workspaces/who_has_seen.html", page.context(...))

``workspace_view`` takes the workspace's id from the URL (``kwarg``, "pk" by default) and:

- loads it with ``selectors.get_restricted_or_404``, so only a live member gets past, and the
  read is logged (purpose: the view's name, or ``purpose``). Everyone else, a partnership
  administrator included, gets 404, as for a workspace that does not exist;
- with ``role``, refuses members below that role (roles rank reviewer < member < lead, so
  ``role=MEMBER`` lets members and leads in) with **403**, not 404: a member already knows
  the workspace exists, and 403 tells them it is their role that stops them;
- calls the view with a ``WorkspacePage`` instead of the URL's id, and marks the response
  ``Cache-Control: no-store``, as every page of a workspace must be (``no_store``).

The views of an app that owns a kind of workspace (case reviews, child death reviews) use it
the same way for their own workspace pages, and link to the shared ones
(``workspaces:members``, ``workspaces:documents``, ``workspaces:sharing``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from safeguarding.accounts.models import User
from safeguarding.accounts.selectors import staff_user
from safeguarding.workspaces import kinds
from safeguarding.workspaces.models import ROLE_RANK, Membership, MembershipRole, Workspace
from safeguarding.workspaces.selectors import get_restricted_or_404, require_role

P = ParamSpec("P")

WRONG_ROLE = "Your role in this workspace does not allow that."


def no_store(response: HttpResponse) -> HttpResponse:
    """Never kept by a browser or a proxy: a workspace page may show anything about a child."""
    response["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class WorkspacePage:
    """The workspace a page is about, and who is looking at it in which role."""

    workspace: Workspace
    membership: Membership
    viewer: User

    @property
    def role(self) -> MembershipRole:
        return MembershipRole(self.membership.role)

    @property
    def role_label(self) -> str:
        return str(self.role.label)

    @property
    def is_lead(self) -> bool:
        return self.role == MembershipRole.LEAD

    @property
    def may_write(self) -> bool:
        """Leads and members add documents and decisions; reviewers only read."""
        return ROLE_RANK[self.role] >= ROLE_RANK[MembershipRole.MEMBER]

    @property
    def kind_label(self) -> str:
        return kinds.kind_label(self.workspace.kind)

    @functools.cached_property
    def home_url(self) -> str:
        """The owning app's page for this workspace, or the dashboard if it has none."""
        return kinds.home_url(self.workspace) or reverse("accounts:dashboard")

    def context(self, **extra: Any) -> dict[str, Any]:
        """Template context: ``page`` and ``workspace``, then ``extra``."""
        return {"page": self, "workspace": self.workspace, **extra}


def allowed_roles(role: MembershipRole | None) -> tuple[MembershipRole, ...]:
    """The roles at or above ``role`` (every role when None)."""
    if role is None:
        return ()
    return tuple(r for r in MembershipRole if ROLE_RANK[r] >= ROLE_RANK[MembershipRole(role)])


def workspace_page(
    request: HttpRequest, pk: Any, *, role: MembershipRole | None = None, purpose: str
) -> WorkspacePage:
    """The ``WorkspacePage`` for the signed-in member, or Http404 (not a live member) or
    PermissionDenied (a role below ``role``). The read is logged with ``purpose``."""
    user = staff_user(request)
    workspace = get_restricted_or_404(
        Workspace.objects.all(), user=user, pk=pk, purpose=purpose, workspace_field="pk"
    )
    try:
        membership = require_role(user, workspace, *allowed_roles(role))
    except PermissionDenied:
        raise PermissionDenied(WRONG_ROLE) from None
    return WorkspacePage(workspace=workspace, membership=membership, viewer=user)


def workspace_view(
    role: MembershipRole | None = None, kwarg: str = "pk", purpose: str | None = None
) -> Callable[
    [Callable[Concatenate[HttpRequest, WorkspacePage, P], HttpResponse]],
    Callable[..., HttpResponse],
]:
    """Decorate a view ``view(request, page, **other_url_kwargs)``: see the module's text."""

    def decorate(
        view: Callable[Concatenate[HttpRequest, WorkspacePage, P], HttpResponse],
    ) -> Callable[..., HttpResponse]:
        read_purpose = purpose or view.__name__.replace("_", " ")

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            page = workspace_page(request, kwargs.pop(kwarg), role=role, purpose=read_purpose)
            return no_store(view(request, page, *args, **kwargs))

        return wrapped

    return decorate
