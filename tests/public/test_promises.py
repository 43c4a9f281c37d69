"""check_promises for the public site: P15 and P18-P24 pass as configured, and fail when the
configuration or data breaks them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from safeguarding.core.promises import Outcome, check
from safeguarding.public import cookies
from safeguarding.public.models import Enquiry

pytestmark = pytest.mark.django_db

OURS = ["P15", "P18", "P19", "P20", "P21", "P22", "P23", "P24"]


def outcome(key: str) -> tuple[Outcome, str]:
    result = check(key)
    return result.outcome, result.evidence


@pytest.mark.parametrize("key", OURS)
def test_each_public_promise_passes_without_analytics(key: str) -> None:
    assert outcome(key)[0] is Outcome.PASS, outcome(key)


@pytest.mark.parametrize("key", OURS)
def test_each_public_promise_passes_with_analytics(key: str, analytics: str) -> None:
    assert outcome(key)[0] is Outcome.PASS, outcome(key)


def test_the_command_prints_the_public_promises_with_their_evidence(capsys, analytics) -> None:
    call_command("check_promises")

    out = capsys.readouterr().out
    assert "P21: PASS" in out
    assert "_ga 2 years, _gid 24 hours, _gat 1 minute, _gac 90 days" in out


def test_no_foi_statement_breaks_p15(settings) -> None:
    settings.PARTNERSHIP = {**settings.PARTNERSHIP, "foi_statement": ""}

    with pytest.raises(CommandError, match="P15"):
        call_command("check_promises")


def test_the_database_refuses_to_store_an_foi_request() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Enquiry.objects.create(kind="foi", name="A", email="a@example.org", message="x")


def test_a_session_cookie_that_outlives_the_browser_breaks_p22(settings) -> None:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False

    assert outcome("P22")[0] is Outcome.FAIL


def test_a_third_party_script_for_everyone_breaks_p20_and_p24(settings, analytics) -> None:
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {
            **directives,
            "script-src": [*directives["script-src"], "https://www.googletagmanager.com"],
        }
    }

    assert outcome("P20")[0] is Outcome.FAIL
    assert outcome("P24")[0] is Outcome.FAIL


def test_analytics_lifetimes_other_than_the_notice_says_break_p21(
    analytics: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    longer = [
        cookies.DeclaredCookie(
            name=c.name,
            category=c.category,
            purpose=c.purpose,
            set_by=c.set_by,
            lifetime=timedelta(days=800) if c.name == "_ga" else c.lifetime,
            with_suffix=c.with_suffix,
        )
        for c in cookies._analytics()
    ]
    monkeypatch.setattr(cookies, "_analytics", lambda: longer)

    kept, evidence = outcome("P21")
    assert kept is Outcome.FAIL
    assert "the notice says" in evidence


def test_a_cookie_declared_without_a_purpose_breaks_p18(monkeypatch: pytest.MonkeyPatch) -> None:
    declared = cookies._strictly_necessary()
    blank = [cookies.DeclaredCookie(**{**vars(declared[0]), "purpose": ""}), *declared[1:]]
    monkeypatch.setattr(cookies, "_strictly_necessary", lambda: blank)

    assert outcome("P18")[0] is Outcome.FAIL
