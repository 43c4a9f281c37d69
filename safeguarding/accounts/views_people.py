"""People and access: partnership administrators invite staff, choose their roles, disable and
re-enable accounts, and reset two-factor; and the invited person accepts their invitation.

Every change is a service in ``accounts.services`` or ``accounts.invitations`` with its own
audit entry; the person's page shows those entries as their history, in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from safeguarding.accounts import invitations, services
from safeguarding.accounts.forms import (
    InvitationPasswordForm,
    InviteForm,
    ReasonForm,
    RolesForm,
)
from safeguarding.accounts.middleware import SESSION_STARTED_KEY
from safeguarding.accounts.models import InvitationState, StaffInvitation, User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.selectors import (
    ListedPerson,
    PeopleByName,
    confirmed_totp_device,
    staff_user_with_role,
)
from safeguarding.audit.actions import describe
from safeguarding.audit.models import AuditEntry
from safeguarding.audit.services import audit_log
from safeguarding.core import dates, links
from safeguarding.core.form_views import form_page, form_status
from safeguarding.core.forms import posted
from safeguarding.core.html import format_html_rows

PEOPLE_PER_PAGE = 50
HISTORY_LENGTH = 50

# What a person's page shows from the audit trail: changes to the account, not each sign-in.
HISTORY_ACTIONS = (
    "accounts.user.created",
    "accounts.user.disabled",
    "accounts.user.enabled",
    "accounts.user.name_corrected",
    "accounts.role.granted",
    "accounts.role.revoked",
    "accounts.invitation.sent",
    "accounts.invitation.resent",
    "accounts.invitation.withdrawn",
    "accounts.invitation.accepted",
    "accounts.password.reset",
    "accounts.mfa.enrolled",
    "accounts.mfa.reset",
    "accounts.mfa.recovery_codes_replaced",
)

INVITATION_TAGS = {
    InvitationState.WAITING: "govuk-tag--blue",
    InvitationState.ACCEPTED: "govuk-tag--green",
    InvitationState.EXPIRED: "govuk-tag--yellow",
    InvitationState.WITHDRAWN: "govuk-tag--grey",
}


def _administrator(request: HttpRequest) -> User:
    return staff_user_with_role(request, Role.PARTNERSHIP_ADMINISTRATOR)


def _status(person: User | ListedPerson) -> tuple[str, str]:
    """The account's status in words, and its tag's colour."""
    if person.is_active:
        return "Active", "govuk-tag--green"
    invitation: StaffInvitation | None = getattr(person, "invitation", None)
    if invitation is not None and invitation.accepted_at is None:
        state = invitation.state()
        return f"Invitation {state.label.lower()}", INVITATION_TAGS[state]
    return "Disabled", "govuk-tag--grey"


# One line of the People page, built here rather than by the template (at 50 rows the
# template's loop was a third of the page's cost). format_html_rows escapes every value, as
# Django's format_html_join does.
PERSON_ROW = (
    '<tr class="govuk-table__row">'
    '<td class="govuk-table__cell"><a class="govuk-link" href="{}{}/">{}</a></td>'
    '<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell">{}</td>'
    '<td class="govuk-table__cell"><strong class="govuk-tag {}">{}</strong></td>'
    "</tr>\n"
)


@require_safe
def people(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    page = Paginator(PeopleByName(), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    # Each person's page is the People page's address and their id (tests check each link
    # against reverse()): one reverse() a page instead of one a row.
    here = reverse("accounts:people")
    rows = format_html_rows(
        PERSON_ROW,
        (
            (
                here,
                person.pk,
                person.full_name or person.email,
                person.email,
                ", ".join(person.roles) or "None",
                *reversed(_status(person)),
            )
            for person in page.object_list
        ),
    )
    return render(request, "accounts/people.html", {"rows": rows, "page": page})


@require_safe
def invitations_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    queryset = StaffInvitation.objects.select_related("user", "invited_by").order_by(
        "-sent_at", "-pk"
    )
    page = Paginator(queryset, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        (invitation, invitation.state(now), INVITATION_TAGS[invitation.state(now)])
        for invitation in page.object_list
    ]
    return render(
        request,
        "accounts/invitations.html",
        {"rows": rows, "page": page, "valid_days": settings.STAFF_INVITATION_VALID_FOR.days},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def person_invite(request: HttpRequest) -> HttpResponseBase:
    actor = _administrator(request)
    return form_page(
        request,
        InviteForm(posted(request)),
        template="accounts/person_invite.html",
        context={"valid_days": settings.STAFF_INVITATION_VALID_FOR.days},
        service=lambda data: invitations.staff_invite(
            email=data["email"],
            full_name=data["full_name"],
            roles=[Role(name) for name in data["roles"]],
            actor=actor,
        ),
        message=lambda invitation: (
            f"Invitation sent to {invitation.user.full_name}. The link in it works once, "
            f"until {_when(invitation.expires_at)}."
        ),
        success_url=lambda invitation: reverse("accounts:person", args=[invitation.user.pk]),
    )


@dataclass(frozen=True)
class HistoryLine:
    when: datetime
    what: str
    who: str
    role: str
    reason: str


def _history(person: User) -> list[HistoryLine]:
    entries = (
        AuditEntry.objects.filter(
            target_type="accounts.user", target_id=str(person.pk), action__in=HISTORY_ACTIONS
        )
        .select_related("actor")
        .order_by("-sequence")[:HISTORY_LENGTH]
    )
    lines = []
    for entry in entries:
        who = (
            f"{person.full_name} (themselves)"
            if entry.actor_id == person.pk
            else entry.actor.full_name
            if entry.actor is not None
            else "The system"
        )
        details = entry.details if isinstance(entry.details, dict) else {}
        lines.append(
            HistoryLine(
                when=entry.occurred_at,
                what=describe(entry.action),
                who=who,
                role=str(details.get("role", "")),
                reason=entry.reason,
            )
        )
    return lines


@require_safe
def person(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _administrator(request)
    person = get_object_or_404(User.objects.select_related("invitation"), pk=pk)
    status, tag = _status(person)
    invitation = getattr(person, "invitation", None)
    return render(
        request,
        "accounts/person.html",
        {
            "person": person,
            "status": status,
            "status_tag": tag,
            "is_self": person.pk == actor.pk,
            "invitation": invitation,
            "invitation_state": invitation.state() if invitation else None,
            "set_up": person.has_usable_password(),
            "two_factor": confirmed_totp_device(person) is not None,
            "history": _history(person),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def person_roles(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = _administrator(request)
    person = get_object_or_404(User, pk=pk)
    is_self = person.pk == actor.pk

    def set_roles(data: dict[str, Any]) -> list[str]:
        try:
            return services.roles_set(
                user=person, roles=[Role(name) for name in data["roles"]], actor=actor
            )
        except ValidationError as error:
            raise ValidationError({"roles": error.messages}) from error

    return form_page(
        request,
        RolesForm(posted(request), initial={"roles": person.role_names}),
        template="accounts/person_roles.html",
        context={"person": person, "is_self": is_self},
        service=set_roles,
        message=lambda changes: (
            f"{person.full_name} is {_and(changes)}."
            if changes
            else f"{person.full_name}'s roles have not changed."
        ),
        success_url=reverse("accounts:person", args=[person.pk]),
    )


class _AccountChange(Protocol):
    def __call__(self, *, user: User, actor: User, reason: str) -> None: ...


def _reason_view(
    template: str, change: _AccountChange, done: str
) -> Callable[[HttpRequest, int], HttpResponseBase]:
    """A page that makes one change to a person's account, with a reason. The change (a
    service) may refuse with a plain message, which the error summary shows."""

    @require_http_methods(["GET", "HEAD", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponseBase:
        actor = _administrator(request)
        person = get_object_or_404(User, pk=pk)
        return form_page(
            request,
            ReasonForm(posted(request)),
            template=template,
            context={"person": person, "is_self": person.pk == actor.pk},
            service=lambda data: change(user=person, actor=actor, reason=data["reason"]),
            message=done.format(name=person.full_name),
            success_url=reverse("accounts:person", args=[person.pk]),
        )

    return view


person_disable = _reason_view(
    "accounts/person_disable.html",
    services.staff_deactivate,
    "{name}'s account is disabled and signed out.",
)
person_enable = _reason_view(
    "accounts/person_enable.html",
    services.staff_reactivate,
    "{name}'s account is enabled. They can sign in again.",
)
person_reset_mfa = _reason_view(
    "accounts/person_reset_mfa.html",
    services.mfa_reset,
    "{name} will set up two-factor authentication again.",
)


@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = _administrator(request)
    invitation = get_object_or_404(StaffInvitation.objects.select_related("user"), user_id=pk)
    try:
        invitation = invitations.invitation_resend(invitation=invitation, actor=actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"A new invitation was sent to {invitation.user.full_name}. Earlier links no "
            f"longer work; this one works until {_when(invitation.expires_at)}.",
        )
    return redirect("accounts:person", pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponseBase:
    actor = _administrator(request)
    invitation = get_object_or_404(StaffInvitation.objects.select_related("user"), user_id=pk)
    person = invitation.user
    return form_page(
        request,
        ReasonForm(posted(request)),
        template="accounts/invitation_withdraw.html",
        context={"person": person},
        service=lambda data: invitations.invitation_withdraw(
            invitation=invitation, actor=actor, reason=data["reason"]
        ),
        message=f"The invitation to {person.full_name} is withdrawn. Its link no longer works.",
        success_url=reverse("accounts:person", args=[pk]),
    )


# --- The invited person ------------------------------------------------------------------------


def _bad_link(request: HttpRequest, error: links.BadLink) -> HttpResponse:
    return render(request, "accounts/invitation_bad_link.html", {"message": str(error)}, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponseBase:
    """Open to anyone with the link: choose a password, then set up two-factor."""
    try:
        invitation = invitations.invitation_from_link(token)
    except links.BadLink as error:
        return _bad_link(request, error)
    person = invitation.user
    form = InvitationPasswordForm(posted(request), user=person)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token=token, password=form.cleaned_data["password1"]
            )
        except links.BadLink as error:  # used by another request a moment ago
            return _bad_link(request, error)
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            with transaction.atomic():
                # The password step of signing in is done; two-factor set-up comes next.
                auth_login(request, user, backend="safeguarding.accounts.backends.StaffBackend")
                request.session[SESSION_STARTED_KEY] = timezone.now().isoformat()
                audit_log(action="accounts.login.password_accepted", actor=user, target=user)
            messages.success(request, "Your password is set. Now set up two-factor authentication.")
            return redirect("accounts:mfa_setup")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "person": person, "expires_at": invitation.expires_at},
        status=form_status(form),
    )


def _when(moment: datetime) -> str:
    """Like "7 December 2026 at 2:05pm" (GOV.UK's style)."""
    return dates.moment(moment)


def _and(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
