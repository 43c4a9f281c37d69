"""check_promises P01 for training: the booking form's declared minimum, and capacity."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from safeguarding.privacy.promises import Outcome, only_necessary_data
from safeguarding.training.evidence import booking_form_problems
from tests.training.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_p01_passes_with_the_booking_forms_declared_minimum() -> None:
    outcome, evidence = only_necessary_data()

    assert outcome == Outcome.PASS, evidence
    assert "booking form asks only" in evidence
    assert booking_form_problems() == []


def test_an_overbooked_session_fails_p01(capsys: pytest.CaptureFixture[str]) -> None:
    session = SessionFactory(capacity=1)
    BookingFactory.create_batch(2, session=session)  # written around the booking service

    with pytest.raises(CommandError, match="P01"):
        call_command("check_promises")
    assert f"over capacity: [{session.pk}]" in capsys.readouterr().out
