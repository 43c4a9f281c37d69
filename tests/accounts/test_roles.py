from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from safeguarding.accounts.roles import ALL_ROLES


@pytest.mark.django_db
def test_every_role_exists_as_a_group_after_migrating() -> None:
    assert set(Group.objects.values_list("name", flat=True)) >= {str(role) for role in ALL_ROLES}
