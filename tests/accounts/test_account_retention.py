"""Staff accounts are anonymised two years after they are disabled; their second factor goes
at once (rules ``staff_account`` and ``mfa_device``), unless a legal hold stops it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.accounts.services import staff_deactivate
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.retention.engine import retention_sweep
from safeguarding.privacy.retention.services import legal_hold_place

pytestmark = pytest.mark.django_db

TWO_YEARS = timedelta(days=365 * 2)
DAY = timedelta(days=1)


@pytest.fixture
def administrator_and_leaver(make_user: Callable[..., User]) -> tuple[User, User]:
    leaver = make_user(Role.TRAINING_COORDINATOR, full_name="Leaving Person")
    TOTPDevice.objects.create(user=leaver, name="phone", confirmed=True)
    codes = StaticDevice.objects.create(user=leaver, name="recovery", confirmed=True)
    StaticToken.objects.create(device=codes, token="keyed-hash")
    return make_user(Role.PARTNERSHIP_ADMINISTRATOR), leaver


def disabled_for(user: User, delta: timedelta) -> None:
    User.objects.filter(pk=user.pk).update(disabled_at=timezone.now() - delta)


def test_disabling_an_account_records_when(administrator_and_leaver: tuple[User, User]) -> None:
    administrator, leaver = administrator_and_leaver
    staff_deactivate(user=leaver, actor=administrator, reason="Left the partnership")
    leaver.refresh_from_db()
    assert leaver.is_active is False
    assert leaver.disabled_at is not None


def test_the_second_factor_of_a_disabled_account_is_deleted_at_the_next_sweep(
    administrator_and_leaver: tuple[User, User],
) -> None:
    administrator, leaver = administrator_and_leaver
    staff_deactivate(user=leaver, actor=administrator, reason="Left the partnership")

    retention_sweep(now=timezone.now() + timedelta(seconds=1))

    assert not TOTPDevice.objects.filter(user=leaver).exists()
    assert not StaticDevice.objects.filter(user=leaver).exists()
    assert not StaticToken.objects.filter(device__user=leaver).exists()
    assert TOTPDevice.objects.filter(user=administrator).exists() is False  # never had one
    leaver.refresh_from_db()
    assert leaver.full_name == "Leaving Person"  # the account itself waits two years


def test_an_account_disabled_two_years_and_a_day_ago_is_anonymised(
    administrator_and_leaver: tuple[User, User],
) -> None:
    _, leaver = administrator_and_leaver
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])
    disabled_for(leaver, TWO_YEARS + DAY)

    retention_sweep()

    leaver.refresh_from_db()
    assert leaver.email == f"former-staff-{leaver.pk}@removed.invalid"
    assert leaver.full_name == ""
    assert not leaver.has_usable_password()
    assert leaver.last_login is None
    assert leaver.groups.count() == 0
    assert retention_sweep() == []  # an anonymised account is not anonymised again


def test_an_account_a_day_short_of_two_years_is_kept(
    administrator_and_leaver: tuple[User, User],
) -> None:
    _, leaver = administrator_and_leaver
    disabled_for(leaver, TWO_YEARS - DAY)
    retention_sweep()
    leaver.refresh_from_db()
    assert leaver.full_name == "Leaving Person"


def test_active_accounts_are_never_touched(make_user: Callable[..., User]) -> None:
    user = make_user(full_name="Still Here")
    User.objects.filter(pk=user.pk).update(date_joined=timezone.now() - TWO_YEARS * 5)
    retention_sweep()
    user.refresh_from_db()
    assert user.full_name == "Still Here"


def test_a_legal_hold_keeps_a_disabled_account(
    administrator_and_leaver: tuple[User, User], make_user: Callable[..., User]
) -> None:
    _, leaver = administrator_and_leaver
    disabled_for(leaver, TWO_YEARS + DAY)
    legal_hold_place(
        model_label="accounts.User",
        record_id=str(leaver.pk),
        reason="Employment tribunal claim",
        authority="Tribunal case reference ET-0000-DEMO",
        review_date=timezone.localdate() + timedelta(days=90),
        actor=make_user(Role.DATA_PROTECTION_LEAD),
    )
    retention_sweep()
    leaver.refresh_from_db()
    assert leaver.full_name == "Leaving Person"


def test_audit_entries_about_an_anonymised_account_are_redacted_not_deleted(
    administrator_and_leaver: tuple[User, User],
) -> None:
    administrator, leaver = administrator_and_leaver
    staff_deactivate(user=leaver, actor=administrator, reason="Left the partnership")
    entries = AuditEntry.objects.filter(action="accounts.user.disabled").count()
    disabled_for(leaver, TWO_YEARS + DAY)

    retention_sweep()

    assert AuditEntry.objects.filter(action="accounts.user.disabled").count() == entries
