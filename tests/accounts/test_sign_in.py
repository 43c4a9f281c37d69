"""The staff sign-in journey: password, then mandatory TOTP, with recovery codes."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import StaffSession, User
from safeguarding.audit.models import AuditEntry
from tests.accounts.helpers import totp_code
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def password_step(client: Client, user: User, password: str = PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": password})


def enrol(client: Client, user: User) -> list[str]:
    password_step(client, user)
    client.get(reverse("accounts:mfa_setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:mfa_setup"), {"code": totp_code(device)})
    assert response.status_code == 200
    return re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", response.content.decode())


def test_first_sign_in_forces_totp_enrolment(client: Client, colleague: User) -> None:
    response = password_step(client, colleague)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_setup")
    # No staff page is reachable until enrolment is complete.
    assert client.get(reverse("accounts:dashboard"))["Location"] == reverse("accounts:mfa_setup")


def test_set_up_page_shows_a_qr_code_and_a_text_secret(client: Client, colleague: User) -> None:
    password_step(client, colleague)
    response = client.get(reverse("accounts:mfa_setup"))

    page = response.content.decode()
    assert 'src="data:image/svg+xml' in page
    assert 'data-testid="totp-secret"' in page


def test_enrolment_shows_recovery_codes_once_then_reaches_the_dashboard(
    client: Client, colleague: User
) -> None:
    codes = enrol(client, colleague)

    assert len(codes) == 10
    assert client.get(reverse("accounts:dashboard")).status_code == 200
    actions = list(
        AuditEntry.objects.filter(target_id=str(colleague.pk)).values_list("action", flat=True)
    )
    assert "accounts.login.password_accepted" in actions
    assert "accounts.mfa.enrolled" in actions
    assert "accounts.login.succeeded" in actions


def test_recovery_codes_are_stored_as_keyed_hashes(client: Client, colleague: User) -> None:
    codes = enrol(client, colleague)
    from django_otp.plugins.otp_static.models import StaticToken

    stored = set(StaticToken.objects.filter(device__user=colleague).values_list("token", flat=True))
    assert stored
    assert not stored & ({code.replace("-", "") for code in codes} | set(codes))


def test_a_wrong_enrolment_code_is_refused_with_a_message(client: Client, colleague: User) -> None:
    password_step(client, colleague)
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"code": "12345x"})

    assert response.status_code == 400
    assert "The code must be 6 digits" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=colleague, confirmed=True).exists()


def test_returning_user_signs_in_with_a_code(colleague: User) -> None:
    enrol(Client(), colleague)
    device = TOTPDevice.objects.get(user=colleague, confirmed=True)
    device.last_t = -1  # forget the enrolment's time step so the current code is fresh
    device.save()
    client = Client()

    assert password_step(client, colleague)["Location"] == reverse("accounts:mfa_verify")
    response = client.post(reverse("accounts:mfa_verify"), {"code": totp_code(device)})

    assert response["Location"] == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_a_totp_code_cannot_be_replayed(colleague: User) -> None:
    enrol(Client(), colleague)
    device = TOTPDevice.objects.get(user=colleague, confirmed=True)
    device.last_t = -1  # forget the enrolment's step so the current code is fresh
    device.save()
    code = totp_code(device)

    first = Client()
    password_step(first, colleague)
    assert first.post(reverse("accounts:mfa_verify"), {"code": code})["Location"] == reverse(
        "accounts:dashboard"
    )

    second = Client()
    password_step(second, colleague)
    response = second.post(reverse("accounts:mfa_verify"), {"code": code})
    assert response.status_code == 400
    assert "has been used already" in response.content.decode()
    assert AuditEntry.objects.filter(
        action="accounts.mfa.failed", target_id=str(colleague.pk)
    ).exists()


def test_a_recovery_code_works_once(colleague: User) -> None:
    codes = enrol(Client(), colleague)

    first = Client()
    password_step(first, colleague)
    assert first.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 302

    second = Client()
    password_step(second, colleague)
    assert second.post(reverse("accounts:mfa_verify"), {"code": codes[0]}).status_code == 400


def test_sign_in_issues_a_new_session_key(client: Client, colleague: User) -> None:
    client.get(reverse("accounts:login"))
    session = client.session
    session["anything"] = "before"
    session.save()
    before = session.session_key

    password_step(client, colleague)

    assert client.session.session_key != before


@pytest.mark.parametrize("step", ["verify", "enrol"])
def test_the_session_key_changes_again_when_the_second_factor_completes(
    colleague: User, step: str
) -> None:
    """A key seen after the password step (half signed in) is worthless once MFA completes."""
    client = Client()
    if step == "verify":
        enrol(Client(), colleague)
        device = TOTPDevice.objects.get(user=colleague, confirmed=True)
        device.last_t = -1
        device.save()
        password_step(client, colleague)
        half_signed_in = client.session.session_key
        client.post(reverse("accounts:mfa_verify"), {"code": totp_code(device)})
    else:
        password_step(client, colleague)
        client.get(reverse("accounts:mfa_setup"))
        half_signed_in = client.session.session_key
        device = TOTPDevice.objects.get(user=colleague, confirmed=False)
        client.post(reverse("accounts:mfa_setup"), {"code": totp_code(device)})

    assert client.session.session_key != half_signed_in
    assert not StaffSession.objects.filter(session_key=half_signed_in).exists()
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_sign_out_ends_the_session_server_side(client: Client, colleague: User) -> None:
    enrol(client, colleague)
    key = client.session.session_key
    assert StaffSession.objects.filter(session_key=key).exists()

    client.post(reverse("accounts:logout"))

    assert not StaffSession.objects.filter(session_key=key).exists()
    # Replaying the old cookie gets nothing.
    replay = Client()
    replay.cookies["sessionid"] = key
    assert replay.get(reverse("accounts:dashboard")).status_code == 302


def test_sign_out_needs_a_post(client: Client, colleague: User) -> None:
    enrol(client, colleague)
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_wrong_password_is_refused_and_audited_without_the_address(
    client: Client, colleague: User
) -> None:
    response = password_step(client, colleague, password="not the password at all")

    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login.failed")
    assert entry.target_id == str(colleague.pk)
    assert colleague.email not in str(entry.details)


def test_an_unknown_address_is_refused_the_same_way(client: Client) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "nobody@example.org", "password": PASSWORD}
    )

    assert "Enter a correct email address and password" in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login.failed")
    assert "nobody@example.org" not in str(entry.details)


def test_an_address_with_a_nul_byte_is_refused_with_a_message(client: Client) -> None:
    """Found by tests/core/test_forms_fuzz.py: PostgreSQL refused the query for the account
    ("cannot contain NUL (0x00) bytes") and the page was a server error."""
    response = client.post(reverse("accounts:login"), {"username": "\x00", "password": "0"})

    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login.failed")
    assert entry.details == {"account": "unknown"}


def test_an_address_too_long_is_refused_with_a_message(client: Client) -> None:
    """Found by tests/core/test_forms_fuzz.py: nothing checked the address's length, and
    django-axes's record of the failure (255 characters at most) was a server error on
    PostgreSQL."""
    response = client.post(reverse("accounts:login"), {"username": "A" * 300, "password": "0"})

    assert response.status_code == 400
    assert "Email address must be 254 characters or fewer" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_next_survives_the_mfa_step_but_only_for_this_site(client: Client, colleague: User) -> None:
    enrol(Client(), colleague)
    device = TOTPDevice.objects.get(user=colleague, confirmed=True)
    device.last_t = -1
    device.save()
    client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": colleague.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(reverse("accounts:mfa_verify"), {"code": totp_code(device)})
    assert response["Location"] == reverse("accounts:dashboard")


@pytest.mark.parametrize(("deployment", "signs_in"), [("development", True), ("production", False)])
def test_demo_accounts_cannot_sign_in_to_a_production_deployment(
    settings, make_user, deployment: str, signs_in: bool
) -> None:
    demo = make_user(is_demo=True)
    settings.DEPLOYMENT = deployment
    client = Client()

    response = password_step(client, demo)

    assert ("_auth_user_id" in client.session) is signs_in
    if not signs_in:
        assert response.status_code == 400  # the sign-in page again, with its error
        assert "Enter a correct email address and password" in response.content.decode()


# --- Replacing recovery codes -------------------------------------------------------------------


def _signed_in_with_authenticator(colleague: User) -> tuple[Client, TOTPDevice]:
    client = Client()
    enrol(client, colleague)
    device = TOTPDevice.objects.get(user=colleague, confirmed=True)
    device.last_t = -1  # forget the enrolment's time step so the current code is fresh
    device.save()
    return client, device


def test_replacing_recovery_codes_needs_a_current_authenticator_code(colleague: User) -> None:
    client, _device = _signed_in_with_authenticator(colleague)
    old = set(StaticToken.objects.filter(device__user=colleague).values_list("token", flat=True))

    page = client.get(reverse("accounts:recovery_codes"))
    wrong = client.post(reverse("accounts:recovery_codes"), {"code": "000000"})
    bare = client.post(reverse("accounts:recovery_codes"), {})

    assert page.status_code == 200
    assert "The code is not correct" in wrong.content.decode()
    assert "Enter the 6-digit code" in bare.content.decode()
    now = set(StaticToken.objects.filter(device__user=colleague).values_list("token", flat=True))
    assert now == old


@pytest.mark.django_db(transaction=True)
def test_replacing_recovery_codes_shows_new_ones_and_emails_the_person(
    colleague: User, mailoutbox, run_tasks
) -> None:
    client, device = _signed_in_with_authenticator(colleague)
    old = set(StaticToken.objects.filter(device__user=colleague).values_list("token", flat=True))

    response = client.post(reverse("accounts:recovery_codes"), {"code": totp_code(device)})
    run_tasks()

    codes = re.findall(r"<code>([a-z2-7]{5}-[a-z2-7]{5})</code>", response.content.decode())
    assert len(codes) == 10
    now = set(StaticToken.objects.filter(device__user=colleague).values_list("token", flat=True))
    assert now
    assert not now & old
    [message] = [m for m in mailoutbox if "recovery codes were replaced" in m.subject]
    assert message.to == [colleague.email]
