"""check_promises P01 for training: the booking form's declared minimum, and capacity."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from safeguarding.core.promises import Outcome, check
from safeguarding.training.promises import booking_form_problems
from tests.training.factories import BookingFactory, SessionFactory

pytestmark = pytest.mark.django_db


def test_p01_passes_with_the_booking_forms_declared_minimum() -> None:
    result = check("P01")

    assert result.outcome == Outcome.PASS, result.evidence
    assert "booking form asks only" in result.evidence
    assert "every field of every model is declared" in result.evidence
    assert booking_form_problems() == []


def test_an_overbooked_session_fails_p01(capsys: pytest.CaptureFixture[str]) -> None:
    session = SessionFactory(capacity=1)
    BookingFactory.create_batch(2, session=session)  # written around the booking service

    with pytest.raises(CommandError, match="P01"):
        call_command("check_promises")
    assert f"over capacity: [{session.pk}]" in capsys.readouterr().out
