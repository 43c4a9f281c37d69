from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding.accounts import services
from safeguarding.accounts.models import User
from safeguarding.accounts.roles import ALL_ROLES, Role
from safeguarding.accounts.selectors import staff_user, user_has_role
from tests.conftest import sign_in


@pytest.mark.django_db
def test_every_role_exists_as_a_group_after_migrating() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {str(role) for role in ALL_ROLES}


# --- The roles a staff page reads once (accounts.selectors.staff_user) ---------------------


def _read_as_a_staff_page_does(user: User) -> int:
    """``staff_user`` twice for one request, as a view and the navigation do: the queries."""
    request = RequestFactory().get("/staff/")
    user.is_verified = lambda: True  # type: ignore[attr-defined]  # OTPMiddleware's, verified
    request.user = user
    with CaptureQueriesContext(connection) as read:
        staff_user(request)
        staff_user(request)
    return len(read)


@pytest.mark.django_db
def test_a_staff_page_reads_the_roles_once_and_forgets_them_when_they_change(
    make_user, django_assert_num_queries
) -> None:
    person = User.objects.get(pk=make_user(Role.TRAINING_COORDINATOR, Role.CDOP_COORDINATOR).pk)
    assert _read_as_a_staff_page_does(person) == 1
    assert person.role_names == sorted([str(Role.TRAINING_COORDINATOR), str(Role.CDOP_COORDINATOR)])
    with django_assert_num_queries(0):
        assert user_has_role(person, Role.CDOP_COORDINATOR)
        assert not user_has_role(person, Role.PARTNERSHIP_ADMINISTRATOR)

    # Changed through this instance: forgotten, as Django forgets prefetched groups.
    person.groups.add(Group.objects.get(name=str(Role.PARTNERSHIP_ADMINISTRATOR)))
    assert user_has_role(person, Role.PARTNERSHIP_ADMINISTRATOR)
    person.keep_roles(("Something old",))
    person.groups.remove(Group.objects.get(name=str(Role.CDOP_COORDINATOR)))
    assert not user_has_role(person, Role.CDOP_COORDINATOR)
    person.keep_roles(("Something old",))
    person.groups.clear()
    assert person.role_names == []

    # Changed elsewhere (the administrator's own instance): a refresh forgets them.
    person.keep_roles((str(Role.TRAINING_COORDINATOR),))
    other = User.objects.get(pk=person.pk)
    other.groups.add(Group.objects.get(name=str(Role.DATA_PROTECTION_LEAD)))
    person.refresh_from_db()
    assert person.role_names == [str(Role.DATA_PROTECTION_LEAD)]


@pytest.mark.django_db
def test_a_role_given_or_taken_shows_in_the_navigation_on_the_next_request(
    make_user, administrator
) -> None:
    person = make_user(Role.TRAINING_COORDINATOR)
    client = Client()
    sign_in(client, person)
    dashboard = reverse("accounts:dashboard")
    people = f'href="{reverse("accounts:people")}"'
    assert people not in client.get(dashboard).text

    services.roles_set(
        user=person,
        roles=[Role.TRAINING_COORDINATOR, Role.PARTNERSHIP_ADMINISTRATOR],
        actor=administrator,
    )
    assert people in client.get(dashboard).text
    assert client.get(reverse("accounts:people")).status_code == 200

    services.roles_set(user=person, roles=[Role.TRAINING_COORDINATOR], actor=administrator)
    assert people not in client.get(dashboard).text
    assert client.get(reverse("accounts:people")).status_code == 403
