"""People and access: roles, disabling and enabling, the last administrator, history, and the
pages an administrator uses to invite people."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from safeguarding.accounts import invitations, services
from safeguarding.accounts.models import StaffInvitation, StaffSession, User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.core import links
from safeguarding.training.forms_staff import SessionForm
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

ADMIN = Role.PARTNERSHIP_ADMINISTRATOR


# --- Roles ---------------------------------------------------------------------------------------


def test_an_administrator_changes_someones_roles_each_change_audited(
    client: Client, administrator: User, colleague: User
) -> None:
    sign_in(client, administrator)

    response = client.post(
        reverse("accounts:person_roles", args=[colleague.pk]),
        {"roles": [str(Role.TRAINER), str(Role.COMMUNICATIONS_OFFICER)]},
        follow=True,
    )

    page = response.content.decode()
    assert "govuk-notification-banner--success" in page
    assert "given the communications officer role" in page
    assert "no longer has the training coordinator role" in page
    assert sorted(colleague.role_names) == sorted(
        [str(Role.TRAINER), str(Role.COMMUNICATIONS_OFFICER)]
    )
    granted = AuditEntry.objects.filter(action="accounts.role.granted", actor=administrator)
    revoked = AuditEntry.objects.filter(action="accounts.role.revoked", actor=administrator)
    assert sorted(entry.details["role"] for entry in granted) == [
        "Communications officer",
        "Trainer",
    ]
    assert [entry.details["role"] for entry in revoked] == ["Training coordinator"]
    # The person's page shows it as history, in plain words.
    assert "A role was given to a member of staff: Trainer" in page
    assert "A role was taken from a member of staff: Training coordinator" in page


def test_nobody_can_change_their_own_roles(client: Client, administrator: User) -> None:
    sign_in(client, administrator)
    url = reverse("accounts:person_roles", args=[administrator.pk])

    assert "You cannot change your own roles" in client.get(url).content.decode()
    response = client.post(url, {"roles": [str(ADMIN), str(Role.DATA_PROTECTION_LEAD)]})

    assert response.status_code == 400
    assert "You cannot change your own roles" in response.content.decode()
    assert administrator.role_names == [str(ADMIN)]
    with pytest.raises(ValidationError, match="your own roles"):
        services.roles_set(user=administrator, roles=[ADMIN, Role.TRAINER], actor=administrator)
    assert not AuditEntry.objects.filter(action="accounts.role.granted").exists()


def test_the_last_administrator_keeps_the_role(make_user: Callable[..., User]) -> None:
    only_admin = make_user(ADMIN)
    # Someone not an administrator cannot act here through the views; the service refuses
    # all the same, whoever asks.
    other = make_user(Role.DATA_PROTECTION_LEAD)

    with pytest.raises(ValidationError, match="only partnership administrator left"):
        services.roles_set(user=only_admin, roles=[Role.TRAINER], actor=other)
    assert only_admin.role_names == [str(ADMIN)]


def test_an_administrator_may_lose_the_role_while_another_remains(
    make_user: Callable[..., User],
) -> None:
    first, second = make_user(ADMIN), make_user(ADMIN)
    services.roles_set(user=second, roles=[], actor=first)
    assert second.role_names == []
    # Now the first is the last: nobody can take it away (and not they themselves).
    with pytest.raises(ValidationError):
        services.roles_set(user=first, roles=[], actor=second)


def test_a_disabled_administrator_does_not_count(make_user: Callable[..., User]) -> None:
    first, second = make_user(ADMIN), make_user(ADMIN, is_active=False)
    with pytest.raises(ValidationError, match="only partnership administrator left"):
        services.staff_deactivate(user=first, actor=second, reason="Left")


# --- Disabling and enabling ----------------------------------------------------------------------


def test_disabling_ends_sessions_and_shows_on_the_persons_page(
    client: Client, administrator: User, colleague: User
) -> None:
    other = Client()
    sign_in(other, colleague)
    assert StaffSession.objects.filter(user=colleague).exists()
    sign_in(client, administrator)

    response = client.post(
        reverse("accounts:person_disable", args=[colleague.pk]),
        {"reason": "Left the partnership"},
        follow=True,
    )

    page = response.content.decode()
    assert "account is disabled and signed out" in page
    assert "A staff account was disabled" in page
    assert "Reason: Left the partnership" in page
    assert not StaffSession.objects.filter(user=colleague).exists()
    assert other.get(reverse("accounts:dashboard")).status_code == 302


def test_nobody_can_disable_their_own_account(client: Client, administrator: User) -> None:
    sign_in(client, administrator)
    url = reverse("accounts:person_disable", args=[administrator.pk])

    response = client.post(url, {"reason": "Testing"})

    assert "You cannot disable your own account" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active


def test_the_last_administrator_cannot_be_disabled(make_user: Callable[..., User]) -> None:
    only_admin = make_user(ADMIN)
    with pytest.raises(ValidationError, match="only partnership administrator left"):
        services.staff_deactivate(user=only_admin, actor=make_user(Role.TRAINER), reason="Mistake")
    only_admin.refresh_from_db()
    assert only_admin.is_active


def test_an_administrator_re_enables_an_account(
    client: Client, administrator: User, colleague: User
) -> None:
    services.staff_deactivate(user=colleague, actor=administrator, reason="Long leave")
    sign_in(client, administrator)

    empty = client.post(reverse("accounts:person_enable", args=[colleague.pk]), {})
    assert "Enter a reason" in empty.content.decode()
    response = client.post(
        reverse("accounts:person_enable", args=[colleague.pk]),
        {"reason": "Back from leave"},
        follow=True,
    )

    assert "They can sign in again" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.is_active
    assert colleague.disabled_at is None
    assert AuditEntry.objects.filter(action="accounts.user.enabled", actor=administrator).exists()


def test_an_account_never_set_up_is_invited_again_not_enabled(administrator: User) -> None:
    invitation = invitations.staff_invite(
        email="never@staff.example.org", full_name="Nev Er", roles=[Role.TRAINER], actor=None
    )
    invitations.invitation_withdraw(invitation=invitation, actor=administrator)
    with pytest.raises(ValidationError, match="new invitation"):
        services.staff_reactivate(user=invitation.user, actor=administrator, reason="Oops")


# --- Inviting, through the pages -----------------------------------------------------------------


def test_the_invite_form_shows_one_specific_message_per_field(
    client: Client, administrator: User
) -> None:
    sign_in(client, administrator)
    page = client.post(reverse("accounts:person_invite"), {}).content.decode()

    assert "There is a problem" in page
    assert "Enter the person&#x27;s full name" in page
    assert "Enter the person&#x27;s email address" in page
    assert "Select at least one role for the person" in page
    assert 'href="#id_full_name"' in page

    taken = client.post(
        reverse("accounts:person_invite"),
        {"full_name": "Dup", "email": administrator.email, "roles": [str(Role.TRAINER)]},
    ).content.decode()
    assert "There is already a staff account with this email address" in taken
    assert not StaffInvitation.objects.exists()


def test_inviting_shows_the_person_with_their_invitation(
    client: Client, administrator: User, clock: time_machine.TimeMachineFixture
) -> None:
    clock.move_to(datetime(2026, 12, 7, 10, 0, tzinfo=UTC), tick=False)
    sign_in(client, administrator)

    response = client.post(
        reverse("accounts:person_invite"),
        {"full_name": "Nia Starter", "email": "nia@staff.example.org", "roles": ["Trainer"]},
        follow=True,
    )

    page = response.content.decode()
    assert "Invitation sent to Nia Starter. The link in it works once" in page
    assert "until 14 December 2026" in page
    assert "Invitation waiting" in page
    assert "An invitation to set up the account was emailed" in page
    person = User.objects.get(email="nia@staff.example.org")
    assert f">{person.pk}<" not in page  # no record ids shown


def test_the_invitations_page_lists_each_state(
    client: Client, administrator: User, clock: time_machine.TimeMachineFixture
) -> None:
    start = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    clock.move_to(start, tick=False)
    names = ["Ann Waiting", "Bob Accepted", "Cat Expired", "Dan Withdrawn"]
    made = {
        name: invitations.staff_invite(
            email=f"{name.split()[0].lower()}@staff.example.org",
            full_name=name,
            roles=[Role.TRAINER],
            actor=administrator,
        )
        for name in names
    }
    clock.move_to(start + timedelta(days=6), tick=False)
    waiting = invitations.invitation_resend(invitation=made["Ann Waiting"], actor=administrator)
    assert waiting.pk
    accepted = made["Bob Accepted"]
    invitations.invitation_accept(
        token=invitations.invitation_link(accepted).rstrip("/").rsplit("/", 1)[-1],
        password="plum orchard lantern 47",
    )
    invitations.invitation_withdraw(invitation=made["Dan Withdrawn"], actor=administrator)
    clock.move_to(start + timedelta(days=8), tick=False)
    sign_in(client, administrator)

    page = client.get(reverse("accounts:invitations")).content.decode()

    for name, state in zip(names, ["Waiting", "Accepted", "Expired", "Withdrawn"], strict=True):
        row = page.split(name, 1)[1].split("</tr>", 1)[0]
        assert f">{state}</strong>" in row, name
    assert "7 December 2026" in page


def test_resending_and_withdrawing_from_the_persons_page(
    client: Client, administrator: User
) -> None:
    invitation = invitations.staff_invite(
        email="nia@staff.example.org", full_name="Nia Starter", roles=[Role.TRAINER], actor=None
    )
    old_nonce = invitation.nonce
    sign_in(client, administrator)

    resent = client.post(
        reverse("accounts:invitation_resend", args=[invitation.user_id]), follow=True
    )
    assert "A new invitation was sent to Nia Starter" in resent.content.decode()
    invitation.refresh_from_db()
    assert invitation.nonce != old_nonce

    withdrawn = client.post(
        reverse("accounts:invitation_withdraw", args=[invitation.user_id]),
        {"reason": "Started elsewhere"},
        follow=True,
    )
    page = withdrawn.content.decode()
    assert "The invitation to Nia Starter is withdrawn" in page
    assert "Invitation withdrawn" in page
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None


def test_the_people_page_shows_each_accounts_status(
    client: Client, administrator: User, make_user: Callable[..., User]
) -> None:
    make_user(Role.TRAINER, full_name="Dee Disabled", is_active=False)
    invitations.staff_invite(
        email="ivy@staff.example.org", full_name="Ivy Invited", roles=[Role.TRAINER], actor=None
    )
    sign_in(client, administrator)

    page = client.get(reverse("accounts:people")).content.decode()

    assert "Invitation waiting" in page
    assert ">Disabled<" in page
    assert 'class="app-table-container"' in page


# --- The first administrator ---------------------------------------------------------------------


def test_create_first_administrator_prints_a_one_time_link(settings) -> None:
    settings.SITE_URL = "https://safeguarding.example.org"
    out = StringIO()

    call_command(
        "create_first_administrator",
        "--name=Alex First",
        "--email=Alex.First@Staff.Example.org",
        "--print-link",
        stdout=out,
    )

    invitation = StaffInvitation.objects.get(user__email="alex.first@staff.example.org")
    assert invitation.user.role_names == [str(ADMIN)]
    assert not invitation.user.is_active
    # The printed link opens this invitation. (Read from the output, not made again here: a
    # link carries the second it was signed, so one made a second later differs.)
    token = _printed_invitation_token(out.getvalue())
    assert invitations.invitation_from_link(token) == invitation
    # Run again before it is accepted: a new link, the old one stops working.
    again = StringIO()
    call_command(
        "create_first_administrator",
        "--name=Alex First",
        "--email=alex.first@staff.example.org",
        "--print-link",
        stdout=again,
    )
    with pytest.raises(links.BadLink):
        invitations.invitation_from_link(token)
    assert invitations.invitation_from_link(_printed_invitation_token(again.getvalue())) == (
        invitation
    )


def _printed_invitation_token(output: str) -> str:
    found = re.search(r"https://safeguarding\.example\.org/staff/invitation/([^/\s]+)/", output)
    assert found is not None, output
    return found.group(1)


def test_create_first_administrator_refuses_once_an_administrator_exists(
    administrator: User,
) -> None:
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_first_administrator", "--name=Two", "--email=two@staff.example.org")
    assert not StaffInvitation.objects.exists()


def test_create_first_administrator_refuses_a_bad_email() -> None:
    with pytest.raises(CommandError, match="correct format"):
        call_command("create_first_administrator", "--name=Two", "--email=not-an-address")


# --- Trainers ------------------------------------------------------------------------------------


def test_the_session_forms_trainer_list_offers_trainers_only(
    make_user: Callable[..., User],
) -> None:
    trainer = make_user(Role.TRAINER, full_name="Tia Trainer")
    make_user(Role.COMMUNICATIONS_OFFICER, full_name="Colin Comms")
    make_user(Role.TRAINER, full_name="Gone Trainer", is_active=False)

    field = SessionForm().fields["trainer"]

    assert list(field.queryset) == [trainer]  # type: ignore[attr-defined]
