"""Inviting a member of staff: the emailed, single-use, expiring link to set a password."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from safeguarding.accounts import invitations
from safeguarding.accounts.models import InvitationState, StaffInvitation, User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.core.links import BadLink
from tests.conftest import sign_in
from tests.smtp import Mailbox, links, text_body

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "plum orchard lantern 47"
START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def invite(
    actor: User | None = None, email: str = "new.starter@staff.example.org"
) -> StaffInvitation:
    return invitations.staff_invite(
        email=email, full_name="Nia Starter", roles=[Role.TRAINER], actor=actor
    )


def token_of(invitation: StaffInvitation) -> str:
    return invitations.invitation_link(invitation).rstrip("/").rsplit("/", 1)[-1]


def accept_page(invitation: StaffInvitation) -> str:
    return reverse("accounts:invitation_accept", args=[token_of(invitation)])


# --- Services ------------------------------------------------------------------------------------


def test_an_invited_account_is_inactive_without_a_password_until_accepted(
    administrator: User,
) -> None:
    invitation = invite(administrator)
    person = invitation.user

    assert not person.is_active
    assert not person.has_usable_password()
    assert person.role_names == [str(Role.TRAINER)]
    assert invitation.state() is InvitationState.WAITING
    assert list(
        AuditEntry.objects.filter(target_id=str(person.pk)).values_list("action", flat=True)
    ) == ["accounts.user.created", "accounts.invitation.sent"]

    user = invitations.invitation_accept(token=token_of(invitation), password=NEW_PASSWORD)

    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.state() is InvitationState.ACCEPTED
    assert invitation.nonce == ""
    assert AuditEntry.objects.filter(action="accounts.invitation.accepted", actor=user).exists()


def test_the_link_works_once(administrator: User) -> None:
    invitation = invite(administrator)
    token = token_of(invitation)
    invitations.invitation_accept(token=token, password=NEW_PASSWORD)

    with pytest.raises(BadLink, match="used, withdrawn or replaced"):
        invitations.invitation_accept(token=token, password="another fine password 9")
    invitation.user.refresh_from_db()
    assert invitation.user.check_password(NEW_PASSWORD)


def test_a_newer_invitation_replaces_the_older_link(administrator: User) -> None:
    invitation = invite(administrator)
    old = token_of(invitation)
    invitation = invitations.invitation_resend(invitation=invitation, actor=administrator)

    with pytest.raises(BadLink, match="replaced"):
        invitations.invitation_from_link(old)
    assert invitations.invitation_from_link(token_of(invitation)).pk == invitation.pk


def test_a_withdrawn_invitation_link_stops_working(administrator: User) -> None:
    invitation = invite(administrator)
    token = token_of(invitation)
    invitations.invitation_withdraw(invitation=invitation, actor=administrator, reason="Wrong")

    with pytest.raises(BadLink, match="withdrawn"):
        invitations.invitation_accept(token=token, password=NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.state() is InvitationState.WITHDRAWN
    assert invitation.user.disabled_at is not None  # the account's retention starts
    assert not invitation.user.is_active


def test_the_link_expires_after_the_period_in_settings(
    administrator: User, clock: time_machine.TimeMachineFixture, settings
) -> None:
    settings.STAFF_INVITATION_VALID_FOR = timedelta(days=7)
    clock.move_to(START, tick=False)
    invitation = invite(administrator)
    token = token_of(invitation)

    clock.move_to(START + timedelta(days=7) - timedelta(seconds=1), tick=False)
    assert invitations.invitation_from_link(token).pk == invitation.pk

    clock.move_to(START + timedelta(days=7), tick=False)
    with pytest.raises(BadLink, match="expired"):
        invitations.invitation_accept(token=token, password=NEW_PASSWORD)
    invitation.refresh_from_db()
    assert invitation.state() is InvitationState.EXPIRED
    assert not invitation.user.is_active

    # Sent again, it works for the full period from now.
    invitation = invitations.invitation_resend(invitation=invitation, actor=administrator)
    assert invitation.expires_at == START + timedelta(days=14)
    invitations.invitation_accept(token=token_of(invitation), password=NEW_PASSWORD)


def test_a_forged_or_tampered_link_is_refused() -> None:
    invitation = invite()
    with pytest.raises(BadLink, match="not valid"):
        invitations.invitation_from_link(token_of(invitation) + "x")
    with pytest.raises(BadLink):
        invitations.invitation_from_link("not-a-token")


def test_a_password_the_validators_refuse_changes_nothing_and_the_link_still_works() -> None:
    invitation = invite()
    with pytest.raises(Exception, match="too short"):
        invitations.invitation_accept(token=token_of(invitation), password="short")
    invitation.refresh_from_db()
    assert invitation.state() is InvitationState.WAITING
    assert not invitation.user.has_usable_password()


def test_an_email_already_in_use_is_refused(administrator: User) -> None:
    with pytest.raises(Exception, match="already a staff account"):
        invite(email=administrator.email.upper())


def test_an_accepted_invitation_cannot_be_withdrawn_or_resent(administrator: User) -> None:
    invitation = invite(administrator)
    invitations.invitation_accept(token=token_of(invitation), password=NEW_PASSWORD)
    with pytest.raises(Exception, match="accepted"):
        invitations.invitation_withdraw(invitation=invitation, actor=administrator)
    with pytest.raises(Exception, match="accepted"):
        invitations.invitation_resend(invitation=invitation, actor=administrator)


# --- The email -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_invitation_email_arrives_with_a_link_on_the_site_address(
    client: Client,
    smtp_server: Mailbox,
    run_tasks: Callable[[], None],
    settings,
    make_user: Callable[..., User],
) -> None:
    settings.SITE_URL = "https://safeguarding.example.org"
    settings.ALLOWED_HOSTS = ["*"]  # a request naming another host still links to SITE_URL
    administrator = make_user(Role.PARTNERSHIP_ADMINISTRATOR, full_name="Ada Admin")
    sign_in(client, administrator)

    response = client.post(
        reverse("accounts:person_invite"),
        {
            "full_name": "Nia Starter",
            "email": "Nia.Starter@Staff.Example.org",
            "roles": ["Trainer"],
        },
        HTTP_HOST="evil.example.net",
    )

    assert response.status_code == 302
    run_tasks()
    [message] = smtp_server.to("nia.starter@staff.example.org")
    assert message["Subject"] == f"Set up your {settings.PARTNERSHIP['name']} staff account"
    body = text_body(message)
    assert "Ada Admin has invited you" in body
    [link] = [url for url in links(message) if "/staff/invitation/" in url]
    assert link.startswith("https://safeguarding.example.org/staff/invitation/")
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert invitations.invitation_from_link(token).user.email == "nia.starter@staff.example.org"


@pytest.mark.django_db(transaction=True)
def test_no_email_is_sent_for_an_invitation_withdrawn_before_the_worker_ran(
    smtp_server: Mailbox, run_tasks: Callable[[], None], administrator: User
) -> None:
    invitation = invite(administrator)
    invitations.invitation_withdraw(invitation=invitation, actor=administrator)

    run_tasks()

    assert smtp_server.messages == []


# --- The invited person's pages ------------------------------------------------------------------


def test_the_invited_person_sets_a_password_and_goes_on_to_two_factor(client: Client) -> None:
    invitation = invite()
    page = client.get(accept_page(invitation))
    assert page.status_code == 200
    assert "Nia Starter" in page.content.decode()

    response = client.post(
        accept_page(invitation), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_setup")
    assert get_user(client).pk == invitation.user_id
    # Two-factor is still needed: staff pages send them back to set it up.
    assert client.get(reverse("accounts:dashboard"))["Location"] == reverse("accounts:mfa_setup")
    assert client.get(reverse("accounts:mfa_setup")).status_code == 200


def test_the_password_form_shows_one_specific_message_per_field(client: Client) -> None:
    invitation = invite()
    empty = client.post(accept_page(invitation), {}).content.decode()
    assert "There is a problem" in empty
    assert "Enter a password" in empty
    assert "Enter the password again" in empty

    mismatch = client.post(
        accept_page(invitation), {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    ).content.decode()
    assert "The passwords do not match" in mismatch

    short = client.post(accept_page(invitation), {"password1": "short", "password2": "short"})
    assert short.status_code == 400  # a refused form, not a page shown for the first time
    assert "too short" in short.content.decode()
    invitation.user.refresh_from_db()
    assert not invitation.user.is_active


@pytest.mark.parametrize("what", ["used", "replaced", "withdrawn", "expired", "forged"])
def test_a_link_that_no_longer_works_gives_a_clear_page_and_changes_nothing(
    client: Client, administrator: User, clock: time_machine.TimeMachineFixture, what: str
) -> None:
    clock.move_to(START, tick=False)
    invitation = invite(administrator)
    url = accept_page(invitation)
    if what == "used":
        invitations.invitation_accept(token=token_of(invitation), password=NEW_PASSWORD)
    elif what == "replaced":
        invitations.invitation_resend(invitation=invitation, actor=administrator)
    elif what == "withdrawn":
        invitations.invitation_withdraw(invitation=invitation, actor=administrator)
    elif what == "expired":
        clock.move_to(START + timedelta(days=8), tick=False)
    else:
        url = url.rstrip("/") + "x/"
    before = AuditEntry.objects.count()

    page = client.get(url)
    posted = client.post(
        url, {"password1": "brand new passphrase 1", "password2": "brand new passphrase 1"}
    )

    for response in (page, posted):
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    assert AuditEntry.objects.count() == before
    invitation.user.refresh_from_db()
    assert not invitation.user.check_password("brand new passphrase 1")
    assert "_auth_user_id" not in client.session
