"""Access requests find child death review records: the child (who has no email address) by
the NHS number, or by name and date of birth together; a family member and a professional by
their email address, through a keyed hash; and never by a name alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import pytest_django.fixtures
from django.apps import apps
from django.conf import settings

from safeguarding.accounts.models import User
from safeguarding.cdop import services
from safeguarding.cdop.models import ChildDeath
from safeguarding.cdop.services import FamilyContact
from safeguarding.core.crypto import lookup_hash
from safeguarding.inventory import retention_rules
from safeguarding.inventory.declarations import all_declarations, declaration_for
from safeguarding.inventory.purposes import get as get_purpose
from safeguarding.inventory.subjects import ChildIdentity, SubjectKey
from safeguarding.inventory.taxonomy import SpecialCondition
from tests.cdop.conftest import NOTIFIER, VALID_NHS, child_details

pytestmark = pytest.mark.django_db


def found(label: str, key: SubjectKey) -> set[int]:
    declaration = next(d for d in all_declarations() if d.model_label == label)
    assert declaration.subject_filter is not None
    condition = declaration.subject_filter(key)
    if condition is None:
        return set()
    return set(apps.get_model(label).objects.filter(condition).values_list("pk", flat=True))


def test_a_child_with_no_email_is_found_by_nhs_number(case: ChildDeath) -> None:
    key = SubjectKey(child=ChildIdentity(full_name="Anyone", nhs_number="943 476 5919"))
    assert found("cdop.ChildDeath", key) == {case.pk}
    assert found("cdop.Notification", key) == set(case.notifications.values_list("pk", flat=True))
    assert found("cdop.StageRecord", key)


def test_a_child_is_found_by_name_and_date_of_birth_together(case: ChildDeath) -> None:
    born = case.date_of_birth
    assert found(
        "cdop.ChildDeath",
        SubjectKey(child=ChildIdentity(full_name="invented  CHILD", date_of_birth=born)),
    ) == {case.pk}
    assert not found(
        "cdop.ChildDeath",
        SubjectKey(child=ChildIdentity(full_name="Invented Child", date_of_birth=date(2000, 1, 1))),
    )
    assert not found("cdop.ChildDeath", SubjectKey(child=ChildIdentity(full_name="Invented Child")))


def test_a_family_member_is_found_by_email_address(case: ChildDeath, coordinator: User) -> None:
    parent = services.family_member_add(
        case=case,
        contact=FamilyContact(
            name="Invented Parent",
            relationship="Father",
            contact_preference="email",
            email="parent@example.org",
        ),
        actor=coordinator,
    )
    assert found("cdop.FamilyMember", SubjectKey.for_email("Parent@example.org")) == {parent.pk}
    assert not found("cdop.FamilyMember", SubjectKey.for_email("other@example.org"))


def test_the_notifier_is_found_by_email_address(coordinator: User) -> None:
    notification = services.notify_death_online(child=child_details(), notifier=NOTIFIER)
    assert found("cdop.Notification", SubjectKey.for_email(NOTIFIER.email)) == {notification.pk}


def test_the_purpose_has_an_article_9_condition_and_the_case_its_retention_from_settings(
    make_case: Callable[..., ChildDeath],
) -> None:
    purpose = get_purpose("child_death_reviews")
    assert purpose is not None
    assert purpose.special_condition is SpecialCondition.STATUTORY_PURPOSES
    rule = retention_rules.get("cdop_case")
    assert rule is not None
    assert rule.days == settings.CDOP_RETENTION_DAYS
    declaration = declaration_for(ChildDeath)
    assert declaration is not None
    assert declaration.retention_trigger == "closed_at"


def test_the_nhs_number_hash_is_keyed(settings: pytest_django.fixtures.Settings) -> None:
    first = lookup_hash("nhs_number", VALID_NHS)
    settings.WORKSPACE_LOOKUP_KEY = "another-lookup-key-for-workspaces-987654321"
    assert lookup_hash("nhs_number", VALID_NHS) != first
