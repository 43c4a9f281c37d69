"""Restricted records: only members see them; outsiders get 404; every read is audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.utils import timezone

from safeguarding.accounts import services
from safeguarding.accounts.models import RecordMembership, User
from safeguarding.accounts.need_to_know import get_restricted_or_404, restricted_for_user
from safeguarding.audit.models import AuditEntry
from tests.accounts.restricted_model import CaseFile
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def case_file_table(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """The test-only model's table, made outside any test transaction (SQLite needs that)."""
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(CaseFile)
        # Committed now, so the content type cache stays true across test transactions.
        content_type = ContentType.objects.get_for_model(CaseFile)
        yield
        content_type.delete()
        ContentType.objects.clear_cache()
        with connection.schema_editor() as editor:
            editor.delete_model(CaseFile)


@pytest.fixture
def case_file() -> CaseFile:
    return CaseFile.objects.create(title="Rapid review 2026-01 (invented)")


@pytest.fixture
def member(make_user, administrator: User, case_file: CaseFile) -> User:
    person = make_user()
    services.membership_grant(
        record=case_file,
        user=person,
        granted_by=administrator,
        reason="Panel member for this review",
    )
    return person


@pytest.fixture
def outsider(make_user) -> User:
    return make_user()


def test_members_see_the_record(member: User, case_file: CaseFile) -> None:
    assert list(restricted_for_user(CaseFile.objects.all(), user=member)) == [case_file]


def test_outsiders_see_nothing(outsider: User, case_file: CaseFile) -> None:
    assert list(restricted_for_user(CaseFile.objects.all(), user=outsider)) == []


def test_administrators_are_not_members_by_default(
    administrator: User, case_file: CaseFile
) -> None:
    assert list(restricted_for_user(CaseFile.objects.all(), user=administrator)) == []


def test_outsider_gets_404(outsider: User, case_file: CaseFile) -> None:
    with pytest.raises(Http404):
        get_restricted_or_404(CaseFile.objects.all(), user=outsider, pk=case_file.pk)


def test_every_read_is_audited(member: User, case_file: CaseFile) -> None:
    get_restricted_or_404(CaseFile.objects.all(), user=member, pk=case_file.pk)
    get_restricted_or_404(CaseFile.objects.all(), user=member, pk=case_file.pk)

    reads = AuditEntry.objects.filter(
        action="accounts.restricted_record.read", target_id=str(case_file.pk)
    )
    assert reads.count() == 2
    assert {entry.actor_id for entry in reads} == {member.pk}


def test_an_expired_membership_gives_no_access(
    make_user, administrator: User, case_file: CaseFile
) -> None:
    person = make_user()
    services.membership_grant(
        record=case_file,
        user=person,
        granted_by=administrator,
        reason="One meeting",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    RecordMembership.objects.filter(user=person).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert list(restricted_for_user(CaseFile.objects.all(), user=person)) == []


def test_a_revoked_membership_gives_no_access(
    member: User, administrator: User, case_file: CaseFile
) -> None:
    membership = RecordMembership.objects.get(user=member)
    services.membership_revoke(membership=membership, revoked_by=administrator, reason="Left panel")

    assert list(restricted_for_user(CaseFile.objects.all(), user=member)) == []
    assert AuditEntry.objects.filter(action="accounts.membership.revoked").exists()


def test_a_disabled_member_sees_nothing(
    member: User, administrator: User, case_file: CaseFile
) -> None:
    services.staff_deactivate(user=member, actor=administrator, reason="Left")
    member.refresh_from_db()

    assert list(restricted_for_user(CaseFile.objects.all(), user=member)) == []


def test_grants_are_audited_with_grantor_and_reason(member: User, administrator: User) -> None:
    entry = AuditEntry.objects.get(action="accounts.membership.granted")

    assert entry.actor_id == administrator.pk
    assert entry.reason == "Panel member for this review"


def test_an_outsider_cannot_grant_access(outsider: User, make_user, case_file: CaseFile) -> None:
    with pytest.raises(PermissionDenied):
        services.membership_grant(
            record=case_file, user=make_user(), granted_by=outsider, reason="Please"
        )


def test_a_member_can_grant_a_colleague(member: User, make_user, case_file: CaseFile) -> None:
    colleague = make_user()
    services.membership_grant(
        record=case_file, user=colleague, granted_by=member, reason="Co-author"
    )

    assert list(restricted_for_user(CaseFile.objects.all(), user=colleague)) == [case_file]


def test_a_grant_needs_a_reason(administrator: User, outsider: User, case_file: CaseFile) -> None:
    with pytest.raises(ValidationError):
        services.membership_grant(
            record=case_file, user=outsider, granted_by=administrator, reason=" "
        )


def test_a_second_live_grant_is_refused(
    member: User, administrator: User, case_file: CaseFile
) -> None:
    with pytest.raises(ValidationError):
        services.membership_grant(
            record=case_file, user=member, granted_by=administrator, reason="Again"
        )


@pytest.mark.urls("tests.accounts.restricted_model")
def test_outsider_gets_404_from_the_view(outsider: User, case_file: CaseFile) -> None:
    client = Client()
    sign_in(client, outsider)

    assert client.get(f"/staff/case-files/{case_file.pk}/").status_code == 404
    assert client.get("/staff/case-files/999999/").status_code == 404


@pytest.mark.urls("tests.accounts.restricted_model")
def test_member_sees_the_record_through_the_view(member: User, case_file: CaseFile) -> None:
    client = Client()
    sign_in(client, member)

    response = client.get(f"/staff/case-files/{case_file.pk}/")

    assert response.status_code == 200
    assert response.content.decode() == case_file.title
