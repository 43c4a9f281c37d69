"""Notifications: the first for a child opens a review in its own workspace (under a legal
hold, encrypted); a later one for the same NHS number is linked to it, found by the keyed
hash; the online form stores without an account and shows nothing back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import services
from safeguarding.cdop.models import KIND, ChildDeath, Notification, Stage, StageRecord
from safeguarding.cdop.scope import BirthOutcome
from safeguarding.core.crypto import lookup_hash
from safeguarding.privacy.models.retention import LegalHold
from safeguarding.workspaces.models import Membership, MembershipRole
from tests.cdop.conftest import NOTIFIER, OTHER_NHS, VALID_NHS, child_details

pytestmark = pytest.mark.django_db


def test_a_notification_opens_a_review_in_its_own_workspace(coordinator: User) -> None:
    notified = services.notify_death(child=child_details(), notifier=NOTIFIER, actor=coordinator)

    case = notified.case
    assert not notified.linked
    assert case.workspace.kind == KIND
    assert case.workspace.title == case.reference
    assert case.reference.startswith("CDOP-")
    assert Membership.objects.get(workspace=case.workspace).role == MembershipRole.LEAD
    assert case.stage == Stage.NOTIFIED
    record = StageRecord.objects.get(case=case)
    assert (record.stage, record.recorded_by) == (Stage.NOTIFIED, coordinator)
    assert AuditEntry.objects.filter(action="cdop.case.opened").count() == 1


def test_a_new_review_is_under_a_legal_hold_by_default(coordinator: User) -> None:
    case = services.notify_death(child=child_details(), notifier=NOTIFIER, actor=coordinator).case
    hold = LegalHold.objects.active().get(
        content_type=ContentType.objects.get_for_model(ChildDeath), object_id=str(case.pk)
    )
    assert hold.scope_label == case.reference


def test_no_hold_when_the_setting_is_off(coordinator: User, settings) -> None:
    settings.CDOP_LEGAL_HOLD_BY_DEFAULT = False
    services.notify_death(child=child_details(), notifier=NOTIFIER, actor=coordinator)
    assert not LegalHold.objects.exists()


def test_identifying_details_are_encrypted_at_rest(coordinator: User) -> None:
    case = services.notify_death(child=child_details(), notifier=NOTIFIER, actor=coordinator).case
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child_name, nhs_number, home_address FROM cdop_childdeath WHERE id = %s",
            [case.pk],
        )
        row = cursor.fetchone()
        cursor.execute("SELECT details, notifier_name FROM cdop_notification")
        notification_row = cursor.fetchone()
    stored = " ".join([*row, *notification_row])
    for plain in ("Invented Child", VALID_NHS, "Invented Street", "Dr Invented"):
        assert plain not in stored
    assert all(value.startswith("v1:") for value in [*row, *notification_row])
    assert ChildDeath.objects.get(pk=case.pk).child_name == "Invented Child"


def test_an_invalid_nhs_number_is_refused(coordinator: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.notify_death(
            child=child_details(nhs_number="9434765918"), notifier=NOTIFIER, actor=coordinator
        )
    assert "check each digit" in refused.value.message_dict["nhs_number"][0]
    assert not ChildDeath.objects.exists()


def test_an_out_of_scope_death_is_refused_and_nothing_is_stored(coordinator: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.notify_death(
            child=child_details(birth_outcome=BirthOutcome.STILLBIRTH),
            notifier=NOTIFIER,
            actor=coordinator,
        )
    assert "stillbirths" in refused.value.message_dict["birth_outcome"][0]
    assert not ChildDeath.objects.exists()
    assert not Notification.objects.exists()


def test_a_second_notification_for_the_same_child_links_to_the_first(
    coordinator: User, make_user: Callable[..., User]
) -> None:
    first = services.notify_death(child=child_details(), notifier=NOTIFIER, actor=coordinator)
    colleague = make_user(Role.CDOP_COORDINATOR)

    second = services.notify_death(
        child=child_details(nhs_number="943 476 5919", name="Spelt Differently"),
        notifier=NOTIFIER,
        actor=colleague,
    )

    assert second.linked
    assert second.case == first.case
    assert ChildDeath.objects.count() == 1
    assert second.notification.linked_as_duplicate
    assert list(first.case.notifications.order_by("pk")) == [
        first.notification,
        second.notification,
    ]
    # Found by the keyed hash, stored beside the encrypted number.
    assert first.case.nhs_lookup == lookup_hash("nhs_number", VALID_NHS)
    assert AuditEntry.objects.filter(action="cdop.notification.linked").count() == 1


def test_a_different_child_opens_a_different_review(coordinator: User) -> None:
    services.notify_death(child=child_details(), notifier=NOTIFIER, actor=coordinator)
    other = services.notify_death(
        child=child_details(nhs_number=OTHER_NHS), notifier=NOTIFIER, actor=coordinator
    )
    assert not other.linked
    assert ChildDeath.objects.count() == 2


def test_children_without_nhs_numbers_are_never_linked(coordinator: User) -> None:
    services.notify_death(child=child_details(nhs_number=""), notifier=NOTIFIER, actor=coordinator)
    second = services.notify_death(
        child=child_details(nhs_number=""), notifier=NOTIFIER, actor=coordinator
    )
    assert not second.linked
    assert ChildDeath.objects.count() == 2


def test_references_count_up_within_the_year(coordinator: User) -> None:
    first = services.notify_death(
        child=child_details(nhs_number=""), notifier=NOTIFIER, actor=coordinator
    ).case
    second = services.notify_death(
        child=child_details(nhs_number=""), notifier=NOTIFIER, actor=coordinator
    ).case
    assert int(second.reference[-3:]) == int(first.reference[-3:]) + 1


def test_an_online_notification_matching_no_review_waits_for_the_secretariat() -> None:
    notification = services.notify_death_online(child=child_details(), notifier=NOTIFIER)

    assert notification.case is None
    assert notification.recorded_by is None
    assert not ChildDeath.objects.exists()
    entry = AuditEntry.objects.get(action="cdop.notification.received")
    assert entry.actor is None


def test_an_online_notification_for_a_child_with_a_review_is_linked_to_it(
    coordinator: User,
) -> None:
    case = services.notify_death(child=child_details(), notifier=NOTIFIER, actor=coordinator).case

    notification = services.notify_death_online(child=child_details(), notifier=NOTIFIER)

    assert notification.case == case
    assert notification.linked_as_duplicate


def test_the_secretariat_opens_a_review_from_an_online_notification(coordinator: User) -> None:
    waiting = services.notify_death_online(child=child_details(), notifier=NOTIFIER)

    opened = services.notification_open_case(notification=waiting, actor=coordinator)

    assert not opened.linked
    assert opened.case.child_name == "Invented Child"
    waiting.refresh_from_db()
    assert waiting.case == opened.case
    with pytest.raises(ValidationError):
        services.notification_open_case(notification=waiting, actor=coordinator)


def test_an_online_notification_can_be_removed_with_a_reason(coordinator: User) -> None:
    waiting = services.notify_death_online(child=child_details(), notifier=NOTIFIER)
    with pytest.raises(ValidationError):
        services.notification_discard(notification=waiting, reason=" ", actor=coordinator)
    services.notification_discard(notification=waiting, reason="Sent twice", actor=coordinator)
    assert not Notification.objects.exists()
