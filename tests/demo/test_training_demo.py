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


def test_the_demo_has_sessions_that_have_run() -> None:
    from django.utils import timezone

    from safeguarding.training.models import Certificate, Charge, Evaluation, SessionStatus
    from safeguarding.training.selectors import refreshers_due

    seed_training_demo()

    past = Course.objects.filter(sessions__starts_at__lt=timezone.now())
    assert past.filter(sessions__status=SessionStatus.CLOSED).exists()
    assert past.filter(sessions__status=SessionStatus.SCHEDULED).exists()  # ready to close
    assert Certificate.objects.exists()
    assert Evaluation.objects.exclude(comments="").exists()
    assert Charge.objects.exists()
    assert len(refreshers_due()) == 2
