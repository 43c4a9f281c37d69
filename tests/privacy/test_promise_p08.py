"""check_promises P08: records past retention, and disposal rules the engine cannot apply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safeguarding.core.promises import Outcome
from safeguarding.inventory import declarations as inventory
from safeguarding.privacy.models.person import Person
from safeguarding.privacy.promises import retention_applied

pytestmark = pytest.mark.django_db


def test_p08_passes_when_everything_is_automated_and_nothing_is_overdue() -> None:
    outcome, evidence = retention_applied()

    assert outcome is Outcome.PASS
    assert evidence.startswith("0 records past retention without a legal hold; all ")


def test_a_person_past_retention_breaks_p08(capsys: pytest.CaptureFixture[str]) -> None:
    Person.objects.create(email="old@example.org", created_at=timezone.now() - timedelta(days=800))

    with pytest.raises(CommandError, match="P08"):
        call_command("check_promises")
    assert "P08: FAIL - 1 record(s) past retention" in capsys.readouterr().out


def test_a_disposal_rule_without_a_trigger_breaks_p08(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        inventory._registry,
        "privacy.noticeversion",
        inventory.ModelDeclaration(
            model_label="privacy.NoticeVersion",
            subject=None,
            purpose=None,
            retention="person",
            fields=inventory.not_personal("id", "digest", "published_at"),
        ),
    )

    outcome, evidence = retention_applied()

    assert outcome is Outcome.FAIL
    assert "privacy.NoticeVersion (no retention trigger is declared)" in evidence
