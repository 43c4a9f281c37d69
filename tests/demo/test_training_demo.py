"""The invented demo training data."""

from __future__ import annotations

import pytest

from safeguarding.demo.training import seed_training_demo
from safeguarding.training.models import Course, WaitingListEntry
from safeguarding.training.promises import overbooked_sessions

pytestmark = pytest.mark.django_db


def test_the_demo_is_invented_and_idempotent() -> None:
    first = seed_training_demo()
    second = seed_training_demo()

    assert (first, second) == (4, 0)
    assert all(title.endswith("(demo)") for title in Course.objects.values_list("title", flat=True))
    assert all(
        email.endswith("@demo.invalid")
        for email in WaitingListEntry.objects.values_list("email", flat=True)
    )
    assert overbooked_sessions() == []
