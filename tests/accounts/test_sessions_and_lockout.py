"""Lockout, idle and absolute session limits, disabling, password reset and MFA."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts import services, throttle
from safeguarding.accounts.middleware import SESSION_STARTED_KEY
from safeguarding.accounts.models import StaffSession, User
from safeguarding.audit.models import AuditEntry
from tests.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client: Client, email: str, password: str, ip: str = "192.0.2.10"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


def test_failures_from_many_addresses_slow_an_account_down_but_never_lock_its_owner_out(
    clock, colleague: User
) -> None:
    clock.move_to(timezone.now(), tick=False)
    client = Client()
    statuses = []
    for n in range(10):
        statuses.append(
            attempt(client, colleague.email, "wrong password!", ip=f"192.0.2.{n + 1}").status_code
        )
        clock.shift(timedelta(seconds=1))
    # Five free failures, then each one makes the next attempt wait longer (1, 2, 4 s ...).
    assert statuses[:6] == [400] * 6
    assert 429 in statuses[6:]

    waiting = attempt(client, colleague.email, PASSWORD, ip="198.51.100.7")
    assert waiting.status_code == 429
    assert "Wait" in waiting.content.decode()
    clock.shift(throttle.MAX_DELAY)
    owner = attempt(Client(), colleague.email, PASSWORD, ip="198.51.100.7")

    assert owner.status_code == 302  # the owner, elsewhere, is not locked out
    assert AuditEntry.objects.filter(action="accounts.login.throttled").exists()
    assert not AuditEntry.objects.filter(action="accounts.login.locked_out").exists()


def test_ten_failures_for_one_account_from_one_address_lock_that_address_only(
    clock, colleague: User
) -> None:
    clock.move_to(timezone.now(), tick=False)
    client = Client()
    for _ in range(9):
        assert attempt(client, colleague.email, "wrong password!").status_code in {400, 429}
        clock.shift(throttle.MAX_DELAY)
    # The tenth failure is recorded and locks the account at this address at once.
    assert attempt(client, colleague.email, "wrong password!").status_code == 429
    clock.shift(throttle.MAX_DELAY)

    here = attempt(client, colleague.email, PASSWORD)
    elsewhere = attempt(Client(), colleague.email, PASSWORD, ip="198.51.100.7")

    assert here.status_code == 429
    assert "too many failed attempts" in here.content.decode().lower()
    assert AuditEntry.objects.filter(action="accounts.login.locked_out").exists()
    assert elsewhere.status_code == 302


def test_the_wait_is_the_same_for_an_address_nobody_has(clock) -> None:
    clock.move_to(timezone.now(), tick=False)
    client = Client()
    for n in range(7):
        attempt(client, "nobody@example.org", "wrong password!", ip=f"192.0.2.{n + 1}")

    response = attempt(client, "nobody@example.org", "wrong password!", ip="198.51.100.7")

    assert response.status_code == 429
    assert "too many wrong passwords for this email address" in response.content.decode()


def test_an_address_locks_after_ten_failures_across_accounts(make_user) -> None:
    client = Client()
    for n in range(10):
        attempt(client, f"guess{n}@example.org", "wrong password!", ip="203.0.113.5")
    innocent = make_user()

    response = attempt(client, innocent.email, PASSWORD, ip="203.0.113.5")

    assert response.status_code == 429


def test_nine_failures_do_not_lock(clock, colleague: User) -> None:
    clock.move_to(timezone.now(), tick=False)
    client = Client()
    for _ in range(9):
        attempt(client, colleague.email, "wrong password!")
        clock.shift(throttle.MAX_DELAY)

    response = attempt(client, colleague.email, PASSWORD)

    assert response.status_code == 302


def test_idle_sessions_expire_after_thirty_minutes(client: Client, colleague: User) -> None:
    sign_in(client, colleague)
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    StaffSession.objects.filter(user=colleague).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert client.get(reverse("accounts:dashboard")).status_code == 302


def test_each_request_pushes_the_idle_limit_on(client: Client, colleague: User) -> None:
    sign_in(client, colleague)
    StaffSession.objects.filter(user=colleague).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )

    client.get(reverse("accounts:dashboard"))

    expiry = StaffSession.objects.get(user=colleague).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)


def test_sessions_end_after_twelve_hours_however_active(client: Client, colleague: User) -> None:
    sign_in(client, colleague)
    session = client.session
    session[SESSION_STARTED_KEY] = (timezone.now() - timedelta(hours=12, minutes=1)).isoformat()
    session.save()

    response = client.get(reverse("accounts:dashboard"))

    assert response.status_code == 302
    assert not StaffSession.objects.filter(session_key=session.session_key).exists()


def test_disabling_an_account_ends_all_its_sessions(administrator: User, colleague: User) -> None:
    laptop, phone = Client(), Client()
    sign_in(laptop, colleague)
    sign_in(phone, colleague)
    assert StaffSession.objects.filter(user=colleague).count() == 2

    services.staff_deactivate(user=colleague, actor=administrator, reason="Left the partnership")

    assert StaffSession.objects.filter(user=colleague).count() == 0
    assert laptop.get(reverse("accounts:dashboard")).status_code == 302
    assert phone.get(reverse("accounts:dashboard")).status_code == 302
    entry = AuditEntry.objects.get(action="accounts.user.disabled")
    assert entry.reason == "Left the partnership"


def test_an_administrator_disables_an_account_from_the_people_page(
    client: Client, administrator: User, colleague: User
) -> None:
    sign_in(client, administrator)
    response = client.post(
        reverse("accounts:person_disable", args=[colleague.pk]), {"reason": "Left"}
    )

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_disabling_needs_a_reason(client: Client, administrator: User, colleague: User) -> None:
    sign_in(client, administrator)
    response = client.post(reverse("accounts:person_disable", args=[colleague.pk]), {"reason": ""})

    assert response.status_code == 400
    assert "Enter a reason" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.is_active


def test_disabled_accounts_cannot_sign_in(administrator: User, colleague: User) -> None:
    services.staff_deactivate(user=colleague, actor=administrator, reason="Left")
    response = attempt(Client(), colleague.email, PASSWORD)

    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.content.decode()


def test_mfa_reset_sends_the_person_back_to_enrolment(administrator: User, colleague: User) -> None:
    client = Client()
    sign_in(client, colleague)

    services.mfa_reset(user=colleague, actor=administrator, reason="Lost phone")

    assert client.get(reverse("accounts:dashboard")).status_code == 302
    fresh = Client()
    assert attempt(fresh, colleague.email, PASSWORD)["Location"] == reverse("accounts:mfa_setup")


@pytest.mark.django_db(transaction=True)
def test_password_reset_emails_a_link_and_mfa_is_still_required(
    colleague: User, mailoutbox, run_tasks
) -> None:
    client = Client()
    sign_in(client, colleague)
    anonymous = Client()
    anonymous.post(reverse("accounts:password_reset"), {"email": colleague.email})
    run_tasks()

    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    path = urlsplit(link.strip()).path
    form_page = anonymous.get(path, follow=True)
    response = anonymous.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"},
    )

    assert response["Location"] == reverse("accounts:password_reset_complete")
    # Every existing session ended, and signing in still asks for the second factor.
    assert client.get(reverse("accounts:dashboard")).status_code == 302
    after = attempt(Client(), colleague.email, "a brand new passphrase")
    assert after["Location"] in {reverse("accounts:mfa_verify"), reverse("accounts:mfa_setup")}
    assert AuditEntry.objects.filter(action="accounts.password.reset").exists()


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(
    client: Client, mailoutbox
) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_an_empty_form_post_shows_the_error_summary(
    client: Client, administrator: User, colleague: User
) -> None:
    sign_in(client, administrator)
    response = client.post(reverse("accounts:person_reset_mfa", args=[colleague.pk]), {})

    assert response.status_code == 400
    assert "Enter a reason" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_reset_link_starts_with_the_site_address_whatever_host_was_asked_for(
    colleague: User, mailoutbox, run_tasks, settings
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = "https://safeguarding.example.org"

    Client().post(
        reverse("accounts:password_reset"),
        {"email": colleague.email},
        HTTP_HOST="attacker.example.net",
    )
    run_tasks()

    [message] = mailoutbox
    assert "attacker" not in message.body
    assert "https://safeguarding.example.org" + reverse("accounts:password_reset") in message.body
    assert message.subject == (
        f"Reset your password for the {settings.PARTNERSHIP['name']} staff area"
    )


@pytest.mark.django_db
def test_no_live_reset_link_waits_in_the_task_queue(colleague: User) -> None:
    from django_tasks_db.models import DBTaskResult

    Client().post(reverse("accounts:password_reset"), {"email": colleague.email})

    [queued] = DBTaskResult.objects.all()
    assert queued.args_kwargs == {"args": [], "kwargs": {"user_id": colleague.pk}}


@pytest.mark.django_db
def test_password_reset_is_rate_limited_per_address(colleague: User) -> None:
    client = Client()
    for _ in range(3):
        response = client.post(reverse("accounts:password_reset"), {"email": colleague.email})
        assert response.status_code == 302

    response = client.post(reverse("accounts:password_reset"), {"email": colleague.email})

    assert response.status_code == 429
