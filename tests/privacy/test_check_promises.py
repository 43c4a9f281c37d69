"""check_promises reports each promise against the live database, and fails when one breaks."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from safeguarding.accounts.models import User

pytestmark = pytest.mark.django_db


def test_every_promise_gets_a_line(capsys) -> None:
    call_command("check_promises")
    out = capsys.readouterr().out

    for n in range(1, 25):
        assert f"P{n:02d}: " in out
    assert "P06: PASS" in out
    assert "P05: PASS" in out  # case reviews record every sharing decision


def test_a_staff_account_that_signed_in_without_mfa_breaks_p10(capsys) -> None:
    User.objects.create_user(
        "nomfa@example.org", "plumtreecats-and-dogs", full_name="No MFA", last_login=timezone.now()
    )

    with pytest.raises(CommandError, match="P10"):
        call_command("check_promises")
    assert "P10: FAIL" in capsys.readouterr().out


def test_an_unhashed_security_answer_breaks_p11(capsys) -> None:
    from safeguarding.privacy.models.identity import SecurityQuestion
    from safeguarding.privacy.models.person import Person

    person = Person.objects.create(email="plain@example.org")
    question = SecurityQuestion(person=person, answer_hash="plain text answer")
    question.question = question._meta.get_field("question").choices[0][0]
    question.save()

    with pytest.raises(CommandError, match="P11"):
        call_command("check_promises")
    assert "P11: FAIL" in capsys.readouterr().out


def test_relying_on_a_written_authorisation_nobody_approved_breaks_p12(capsys) -> None:
    from datetime import timedelta

    from safeguarding.privacy.models.identity import (
        Authorisation,
        AuthorisationKind,
        AuthorisationUse,
    )
    from safeguarding.privacy.models.person import Person
    from tests.factories import UserFactory

    staff = UserFactory()
    authorisation = Authorisation.objects.create(
        person=Person.objects.create(email="written@example.org"),
        kind=AuthorisationKind.WRITTEN,
        authorised_party="A solicitor",
        scope="Their booking",
        document_reference="DOC-1",
        expires_at=timezone.now() + timedelta(days=30),
        recorded_by=staff,
    )
    AuthorisationUse.objects.create(authorisation=authorisation, used_by=staff)

    with pytest.raises(CommandError, match="P12"):
        call_command("check_promises")
    assert "P12: FAIL" in capsys.readouterr().out
