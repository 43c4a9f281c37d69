"""Checking a caller's identity on the phone (P11): two random questions, lockout, audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.callers.selectors import verification_locked_until
from safeguarding.privacy.callers.services import (
    VerificationImpossible,
    VerificationLocked,
    caller_verification_answer,
    caller_verification_start,
    security_questions_set,
)
from safeguarding.privacy.models.identity import (
    CallerVerification,
    Question,
    VerificationOutcome,
)
from safeguarding.privacy.models.person import Person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

FIND = reverse("identity:find")
VERIFY = reverse("identity:verify")
ANSWERS: dict[str, str] = {
    Question.FIRST_SCHOOL: "St. Mary's",
    Question.BIRTH_TOWN: "King's Lynn",
    Question.FIRST_PET: "Biscuit",
}
# How the caller might say them: other case, spacing and punctuation.
SPOKEN: dict[str, str] = {
    Question.FIRST_SCHOOL: "st marys",
    Question.BIRTH_TOWN: "KINGS LYNN",
    Question.FIRST_PET: " biscuit.",
}


@pytest.fixture
def person() -> Person:
    person = Person.objects.create(email="sam@example.org", full_name="Sam Jones")
    security_questions_set(person=person, answers=ANSWERS)
    return person


@pytest.fixture
def call_taker(make_user: Callable[..., User]) -> User:
    return make_user(Role.TRAINING_COORDINATOR)


@pytest.fixture
def staff_client(client: Client, call_taker: User) -> Client:
    sign_in(client, call_taker)
    return client


def _answers_form(verification: CallerVerification, *, right: bool) -> dict[str, str]:
    return {
        f"answer_{key}": SPOKEN[Question(key)] if right else "wrong"
        for key in verification.question_keys
    }


def _fail(person: Person, staff: User) -> CallerVerification:
    verification = caller_verification_start(person=person, staff=staff)
    return caller_verification_answer(
        verification=verification,
        staff=staff,
        answers=dict.fromkeys(verification.question_keys, "wrong"),
    )


def test_a_caller_who_answers_both_questions_passes_and_it_is_audited(
    staff_client: Client, person: Person, call_taker: User
) -> None:
    response = staff_client.post(FIND, {"email": "SAM@example.org"})
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    verification = CallerVerification.objects.get()
    assert len(set(verification.question_keys)) == 2
    page = staff_client.get(VERIFY).content.decode()
    for key in verification.question_keys:
        assert Question(key).label in page

    response = staff_client.post(VERIFY, _answers_form(verification, right=True))

    assert response.status_code == 302
    verification.refresh_from_db()
    assert verification.outcome == VerificationOutcome.PASSED
    assert verification.staff == call_taker
    assert verification.completed_at is not None
    entry = AuditEntry.objects.get(action="privacy.caller.verified")
    assert entry.actor == call_taker
    assert entry.details == {"person": person.pk, "questions": verification.question_keys}
    assert "The caller passed the check" in staff_client.get(VERIFY).content.decode()


def test_a_caller_who_gets_one_answer_wrong_fails_and_it_is_audited(
    staff_client: Client, person: Person
) -> None:
    staff_client.post(FIND, {"email": "sam@example.org"})
    verification = CallerVerification.objects.get()
    answers = _answers_form(verification, right=True)
    answers[f"answer_{verification.question_keys[1]}"] = "Something else"

    staff_client.post(VERIFY, answers)

    verification.refresh_from_db()
    assert verification.outcome == VerificationOutcome.FAILED
    assert AuditEntry.objects.filter(action="privacy.caller.failed").count() == 1
    page = staff_client.get(VERIFY).content.decode()
    assert "did not pass the check" in page


def test_no_answer_is_stored_or_logged(staff_client: Client, person: Person) -> None:
    staff_client.post(FIND, {"email": "sam@example.org"})
    verification = CallerVerification.objects.get()
    staff_client.post(VERIFY, _answers_form(verification, right=True))

    tables = ["privacy_callerverification", "privacy_securityquestion", "audit_auditentry"]
    with connection.cursor() as cursor:
        dumped = ""
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  (fixed table names)
            dumped += repr(cursor.fetchall()).lower()
    for fragment in ("marys", "lynn", "biscuit", "sam@example.org"):
        assert fragment not in dumped


def test_reloading_the_screen_asks_the_same_two_questions(
    staff_client: Client, person: Person
) -> None:
    staff_client.post(FIND, {"email": "sam@example.org"})
    first = CallerVerification.objects.get().question_keys

    for _ in range(5):
        staff_client.get(VERIFY)
        staff_client.post(FIND, {"email": "sam@example.org"})

    assert CallerVerification.objects.count() == 1
    assert CallerVerification.objects.get().question_keys == first


def test_missing_answers_get_form_errors_and_nothing_is_recorded(
    staff_client: Client, person: Person
) -> None:
    staff_client.post(FIND, {"email": "sam@example.org"})

    response = staff_client.post(VERIFY, {})

    assert response.status_code == 400
    assert "Enter the caller&#x27;s answer to" in response.content.decode()
    assert CallerVerification.objects.get().outcome == VerificationOutcome.PENDING


def test_an_unknown_email_gets_a_form_error(staff_client: Client, person: Person) -> None:
    response = staff_client.post(FIND, {"email": "nobody@example.org"})

    assert response.status_code == 400  # refused, with the error summary
    assert "govuk-error-summary" in response.content.decode()
    assert "We hold no one with this email address" in response.content.decode()
    assert not CallerVerification.objects.exists()


def test_the_email_is_never_in_the_address(staff_client: Client, person: Person) -> None:
    response = staff_client.post(FIND, {"email": "sam@example.org"})

    assert "sam" not in response["Location"]
    assert staff_client.get(FIND + "?email=sam@example.org").status_code == 200
    assert CallerVerification.objects.count() == 1


def test_a_person_with_fewer_than_two_questions_cannot_be_checked_by_phone(
    staff_client: Client, call_taker: User
) -> None:
    Person.objects.create(email="new@example.org")

    response = staff_client.post(FIND, {"email": "new@example.org"})

    assert response.status_code == 200
    assert "cannot be checked by phone" in response.content.decode()
    with pytest.raises(VerificationImpossible):
        caller_verification_start(
            person=Person.objects.get(email="new@example.org"), staff=call_taker
        )


def test_three_failures_lock_phone_checks_for_24_hours(
    staff_client: Client, person: Person, call_taker: User
) -> None:
    for _ in range(3):
        _fail(person, call_taker)

    assert AuditEntry.objects.filter(action="privacy.caller.failed").count() == 3
    locked = AuditEntry.objects.get(action="privacy.caller.locked")
    assert locked.details["attempt_refused"] is False
    until = verification_locked_until(person)
    assert until is not None
    assert timedelta(hours=23, minutes=59) < until - timezone.now() <= timedelta(hours=24)

    response = staff_client.post(FIND, {"email": "sam@example.org"})

    assert response.status_code == 200
    assert "Phone checks are locked for this person" in response.content.decode()
    assert CallerVerification.objects.count() == 3
    refused = AuditEntry.objects.filter(action="privacy.caller.locked").latest("sequence")
    assert refused.details["attempt_refused"] is True


def test_an_answer_screen_left_open_cannot_get_round_the_lock(
    staff_client: Client, person: Person, make_user: Callable[..., User], call_taker: User
) -> None:
    staff_client.post(FIND, {"email": "sam@example.org"})
    open_screen = CallerVerification.objects.get()
    other = make_user(Role.COMMUNICATIONS_OFFICER)
    for _ in range(3):
        _fail(person, other)

    response = staff_client.post(VERIFY, _answers_form(open_screen, right=True))

    assert "Phone checks are locked for this person" in response.content.decode()
    open_screen.refresh_from_db()
    assert open_screen.outcome == VerificationOutcome.PENDING
    with pytest.raises(VerificationLocked):
        caller_verification_answer(
            verification=open_screen, staff=call_taker, answers=dict.fromkeys(ANSWERS, "x")
        )


def test_the_lock_ends_after_24_hours(person: Person, call_taker: User) -> None:
    for _ in range(3):
        _fail(person, call_taker)
    with pytest.raises(VerificationLocked):
        caller_verification_start(person=person, staff=call_taker)

    CallerVerification.objects.update(completed_at=timezone.now() - timedelta(hours=24, minutes=1))

    assert verification_locked_until(person) is None
    assert caller_verification_start(person=person, staff=call_taker).pending


def test_failures_spread_over_more_than_24_hours_do_not_lock(
    person: Person, call_taker: User
) -> None:
    first = _fail(person, call_taker)
    CallerVerification.objects.filter(pk=first.pk).update(
        completed_at=timezone.now() - timedelta(hours=25)
    )
    _fail(person, call_taker)
    _fail(person, call_taker)

    assert verification_locked_until(person) is None


def test_only_the_member_of_staff_who_started_a_check_sees_it(
    client: Client, person: Person, call_taker: User, make_user: Callable[..., User]
) -> None:
    caller_verification_start(person=person, staff=call_taker)
    sign_in(client, make_user(Role.DATA_PROTECTION_LEAD))

    response = client.get(VERIFY)

    assert "No call in progress" in response.content.decode()


def test_ending_the_call_forgets_it(staff_client: Client, person: Person) -> None:
    staff_client.post(FIND, {"email": "sam@example.org"})

    response = staff_client.post(reverse("identity:end_call"))

    assert response["Location"] == FIND
    assert "No call in progress" in staff_client.get(VERIFY).content.decode()


def test_review_panel_members_cannot_check_callers(
    client: Client, person: Person, make_user: Callable[..., User]
) -> None:
    sign_in(client, make_user(Role.REVIEW_PANEL_MEMBER))

    assert client.post(FIND, {"email": "sam@example.org"}).status_code == 403
    assert not CallerVerification.objects.exists()


def test_after_passing_the_call_taker_sees_a_summary_of_the_callers_records(
    staff_client: Client, person: Person
) -> None:
    from tests.newsletter.factories import confirmed_subscriber
    from tests.privacy.access_rights import open_request
    from tests.privacy.test_people import sams_booking

    sams_booking(email="sam@example.org")
    confirmed_subscriber("sam@example.org")
    request = open_request(email="sam@example.org")
    staff_client.post(FIND, {"email": "sam@example.org"})
    verification = CallerVerification.objects.get()
    before = staff_client.get(VERIFY).content.decode()
    assert "What we hold about them" not in before  # not before the check is passed

    staff_client.post(VERIFY, _answers_form(verification, right=True))
    page = staff_client.get(VERIFY).content.decode()

    assert "What we hold about them" in page
    assert "Booking on Working together, 25 January 2027" in page
    assert "Newsletter subscription" in page
    assert request.reference in page
    entry = AuditEntry.objects.get(action="privacy.caller_summary.read")
    assert entry.details["purpose"] == "helping a caller who passed the check"


def test_a_caller_who_fails_sees_no_summary(staff_client: Client, person: Person) -> None:
    from tests.privacy.test_people import sams_booking

    sams_booking(email="sam@example.org")
    staff_client.post(FIND, {"email": "sam@example.org"})
    verification = CallerVerification.objects.get()

    staff_client.post(VERIFY, _answers_form(verification, right=False))
    page = staff_client.get(VERIFY).content.decode()

    assert "Working together" not in page
    assert not AuditEntry.objects.filter(action="privacy.caller_summary.read").exists()
