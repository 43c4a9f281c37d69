"""Secrets never leave the server through the rights tooling.

The review's attack: a data protection lead logs a rights request in a member of staff's name;
the rectify and withhold pages then offered that person's live session rows, named by their
session key, and the access export carried the key as a row id. A session key in a cookie is
a signed-in, two-factor-verified session. These tests stage that attack and look for the
administrator's session key, password hash and authenticator secret in everything the
tooling shows or hands out.
"""

from __future__ import annotations

import importlib
import io
import json
import zipfile

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import StaffSession, User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.models.rights import RequestKind, RightsRequest
from safeguarding.privacy.models.rights_outcomes import Rectification
from safeguarding.privacy.rights.actions import rights_request_rectify
from safeguarding.privacy.rights.export import build_export
from tests.conftest import sign_in
from tests.privacy.access_rights import open_request

pytestmark = pytest.mark.django_db


def _secrets_of(user: User) -> list[str]:
    """Everything that would let someone act as ``user``, as stored."""
    secrets = [user.password]
    secrets += list(StaffSession.objects.filter(user=user).values_list("session_key", flat=True))
    secrets += [device.key for device in TOTPDevice.objects.filter(user=user)]
    secrets += list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert all(secrets)
    return secrets


@pytest.fixture
def signed_in_administrator(make_user) -> User:
    """An administrator with a live, verified session and recovery codes."""
    administrator = make_user(Role.PARTNERSHIP_ADMINISTRATOR, email="admin@staff.example.org")
    sign_in(Client(), administrator)
    device = StaticDevice.objects.create(user=administrator, name="backup", confirmed=True)
    StaticToken.objects.create(device=device, token="rc-hash-000001")
    assert StaffSession.objects.filter(user=administrator).exists()
    return administrator


def _request_about(user: User, kind: str) -> RightsRequest:
    return open_request(email=user.email, kind=kind, full_name=user.full_name)


def _unzipped(bundle: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


@pytest.mark.parametrize(
    ("page", "kind"),
    [("rights:rectify", RequestKind.RECTIFICATION), ("rights:withhold", RequestKind.ACCESS)],
)
def test_no_record_picker_offers_a_staff_members_session_or_authenticator(
    signed_in_administrator: User, make_user, page: str, kind: str
) -> None:
    handler = make_user(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)
    client = Client()
    sign_in(client, handler)
    request = _request_about(signed_in_administrator, kind)
    secrets = _secrets_of(signed_in_administrator)

    content = client.get(reverse(page, args=[request.pk])).content.decode()

    for secret in secrets:
        assert secret not in content
    assert "accounts.StaffSession" not in content
    assert "otp_totp.TOTPDevice" not in content


def test_the_access_export_says_sessions_and_authenticators_are_held_but_carries_no_secret(
    signed_in_administrator: User,
) -> None:
    request = _request_about(signed_in_administrator, RequestKind.ACCESS)
    secrets = _secrets_of(signed_in_administrator)

    bundle = _unzipped(build_export(request.person))

    for secret in secrets:
        assert secret not in bundle
    records = json.loads(
        zipfile.ZipFile(io.BytesIO(build_export(request.person))).read("data.json")
    )["records"]
    sessions = records["accounts.StaffSession"]["rows"]
    assert sessions
    for row in sessions:
        assert set(row["fields"]) <= {"expire_date", "authenticated_at"}
        assert row["held"] is True


# --- Rectification writes no secret and shows none ----------------------------------------------


@pytest.mark.parametrize(
    ("record_of", "field_name"),
    [
        (lambda user: f"accounts.User:{user.pk}", "password"),
        (
            lambda user: f"otp_totp.TOTPDevice:{TOTPDevice.objects.get(user=user).pk}",
            "key",
        ),
    ],
)
def test_rectification_cannot_write_a_password_hash_or_an_authenticator_key(
    signed_in_administrator: User, make_user, record_of, field_name: str
) -> None:
    handler = make_user(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)
    request = _request_about(signed_in_administrator, RequestKind.RECTIFICATION)
    before = {
        "password": signed_in_administrator.password,
        "key": TOTPDevice.objects.get(user=signed_in_administrator).key,
    }

    with pytest.raises(ValidationError):
        rights_request_rectify(
            request=request,
            actor=handler,
            record=record_of(signed_in_administrator),
            field_name=field_name,
            new_value="pbkdf2_sha256$1$salt$chosen-by-the-attacker",
        )

    signed_in_administrator.refresh_from_db()
    assert signed_in_administrator.password == before["password"]
    assert TOTPDevice.objects.get(user=signed_in_administrator).key == before["key"]
    assert not Rectification.objects.exists()


def test_a_correction_recorded_before_the_fix_shows_no_secret_on_the_request_page(
    signed_in_administrator: User, make_user
) -> None:
    handler = make_user(Role.DATA_PROTECTION_LEAD, Role.PARTNERSHIP_ADMINISTRATOR)
    client = Client()
    sign_in(client, handler)
    request = _request_about(signed_in_administrator, RequestKind.RECTIFICATION)
    old_hash = signed_in_administrator.password
    Rectification.objects.create(
        request=request,
        model_label="accounts.User",
        object_id=str(signed_in_administrator.pk),
        field_name="password",
        before=old_hash,
        after="pbkdf2_sha256$1$salt$typed",
        recorded_by=handler,
    )

    page = client.get(reverse("rights:detail", args=[request.pk])).content.decode()

    assert old_hash not in page
    assert "pbkdf2_sha256$1$salt$typed" not in page
    assert "Corrections" in page


def test_the_migration_blanks_secrets_that_corrections_stored_before(
    signed_in_administrator: User, make_user
) -> None:
    migration = importlib.import_module(
        "safeguarding.privacy.migrations.0005_forget_rectified_secrets"
    )
    request = _request_about(signed_in_administrator, RequestKind.RECTIFICATION)
    stored = Rectification.objects.create(
        request=request,
        model_label="accounts.User",
        object_id=str(signed_in_administrator.pk),
        field_name="password",
        before=signed_in_administrator.password,
        after="typed",
        recorded_by=make_user(),
    )
    name = Rectification.objects.create(
        request=request,
        model_label="privacy.Person",
        object_id=str(request.person_id),
        field_name="full_name",
        before="Sam Smiht",
        after="Sam Smith",
        recorded_by=stored.recorded_by,
    )

    migration.forget(django_apps, None)

    stored.refresh_from_db()
    name.refresh_from_db()
    assert (stored.before, stored.after) == (migration.REMOVED, migration.REMOVED)
    assert (name.before, name.after) == ("Sam Smiht", "Sam Smith")


# --- A request about a member of staff's own account is an administrator's ----------------------


def _client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


@pytest.mark.parametrize(
    ("page", "kind"),
    [
        ("rights:rectify", RequestKind.RECTIFICATION),
        ("rights:withhold", RequestKind.ACCESS),
        ("rights:export", RequestKind.ACCESS),
        ("rights:complete", RequestKind.ACCESS),
        ("rights:erase", RequestKind.ERASURE),
    ],
)
def test_a_request_about_a_staff_account_is_handled_by_another_administrator(
    signed_in_administrator: User, make_user, page: str, kind: str
) -> None:
    lead = make_user(Role.DATA_PROTECTION_LEAD)
    other_administrator = make_user(Role.PARTNERSHIP_ADMINISTRATOR)
    request = _request_about(signed_in_administrator, kind)
    url = reverse(page, args=[request.pk])

    assert _client_for(lead).get(url).status_code == 403
    if page != "rights:export":  # a download: GET only
        assert _client_for(lead).post(url, {}).status_code == 403
    assert _client_for(signed_in_administrator).get(url).status_code == 403  # not their own
    assert _client_for(other_administrator).get(url).status_code in {200, 302}


def test_the_request_page_says_who_handles_a_request_about_a_staff_account(
    signed_in_administrator: User, make_user
) -> None:
    request = _request_about(signed_in_administrator, RequestKind.ACCESS)

    page = _client_for(make_user(Role.DATA_PROTECTION_LEAD)).get(
        reverse("rights:detail", args=[request.pk])
    )

    assert page.status_code == 200
    content = page.content.decode()
    assert "about a member of staff" in content
    assert "Prepare the export" not in content


def test_a_request_about_someone_without_an_account_stays_with_the_data_protection_lead(
    make_user,
) -> None:
    request = open_request(email="parent@example.org", kind=RequestKind.RECTIFICATION)

    response = _client_for(make_user(Role.DATA_PROTECTION_LEAD)).get(
        reverse("rights:rectify", args=[request.pk])
    )

    assert response.status_code == 200


def test_a_staff_members_name_is_corrected_through_the_accounts_service(
    signed_in_administrator: User, make_user
) -> None:
    other_administrator = make_user(Role.PARTNERSHIP_ADMINISTRATOR)
    request = _request_about(signed_in_administrator, RequestKind.RECTIFICATION)

    response = _client_for(other_administrator).post(
        reverse("rights:rectify", args=[request.pk]),
        {
            "record": f"accounts.User:{signed_in_administrator.pk}",
            "field_name": "full_name",
            "new_value": "Alex Administrator",
        },
    )

    assert response.status_code == 302
    signed_in_administrator.refresh_from_db()
    assert signed_in_administrator.full_name == "Alex Administrator"
    assert AuditEntry.objects.filter(
        action="accounts.user.name_corrected", target_id=str(signed_in_administrator.pk)
    ).exists()
