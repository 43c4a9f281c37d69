from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.cdop import services
from safeguarding.cdop.models import ChildDeath
from safeguarding.cdop.scope import BirthOutcome
from safeguarding.cdop.services import ChildDetails, Notifier

VALID_NHS = "9434765919"
OTHER_NHS = "4010232137"


def child_details(**changes: Any) -> ChildDetails:
    """An invented child who died last month, aged 4."""
    died = timezone.localdate() - timedelta(days=30)
    base = ChildDetails(
        name="Invented Child",
        date_of_birth=died.replace(year=died.year - 4) - timedelta(days=10),
        date_of_death=died,
        birth_outcome=BirthOutcome.LIVE_BIRTH,
        unexpected=True,
        resident_in_area=True,
        died_in_area=True,
        nhs_number=VALID_NHS,
        sex="Female",
        home_address="1 Invented Street, Norwich",
        circumstances="Invented circumstances for a test.",
    )
    return replace(base, **changes)


NOTIFIER = Notifier(
    name="Dr Invented", role="Consultant", organisation="Invented Hospital", email="dr@example.org"
)


@pytest.fixture
def coordinator(make_user: Callable[..., User]) -> User:
    return make_user(Role.CDOP_COORDINATOR)


@pytest.fixture
def make_case(coordinator: User) -> Callable[..., ChildDeath]:
    def make(*, actor: User | None = None, **changes: Any) -> ChildDeath:
        changes.setdefault("nhs_number", "")
        notified = services.notify_death(
            child=child_details(**changes), notifier=NOTIFIER, actor=actor or coordinator
        )
        return notified.case

    return make


@pytest.fixture
def case(make_case: Callable[..., ChildDeath]) -> ChildDeath:
    return make_case(nhs_number=VALID_NHS)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)
