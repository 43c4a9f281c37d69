"""Third-party authorisations (P12): written until expiry once a second person approves it, or
one-off verbal, used once; looked up, recorded on the phone and revoked only on a verified call
(or by a data protection lead); addressed in URLs by a random public id."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connections, transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.privacy.callers.selectors import live_authorisations
from safeguarding.privacy.callers.services import (
    VerifyTheCallerFirst,
    authorisation_approve,
    authorisation_record_one_off,
    authorisation_record_written,
    authorisation_revoke,
    authorisation_use,
    caller_verification_answer,
    caller_verification_start,
    security_questions_set,
)
from safeguarding.privacy.models.identity import (
    Authorisation,
    AuthorisationKind,
    AuthorisationUse,
    CallerVerification,
    Question,
)
from safeguarding.privacy.models.person import Person
from tests.conftest import sign_in
from tests.date_input import as_date_boxes

ANSWERS: dict[str, str] = {
    Question.FIRST_SCHOOL: "St Marys",
    Question.FIRST_PET: "Rex",
    Question.FIRST_CAR: "Mini",
}
VERIFY = reverse("identity:verify")
FIND = reverse("identity:find")


@pytest.fixture
def person(db: None) -> Person:
    person = Person.objects.create(email="sam@example.org", full_name="Sam Jones")
    security_questions_set(person=person, answers=ANSWERS)
    return person


@pytest.fixture
def call_taker(make_user: Callable[..., User]) -> User:
    return make_user(Role.COMMUNICATIONS_OFFICER)


@pytest.fixture
def approver(make_user: Callable[..., User]) -> User:
    return make_user(Role.PARTNERSHIP_ADMINISTRATOR)


def _verify(person: Person, staff: User, *, right: bool = True) -> CallerVerification:
    verification = caller_verification_start(person=person, staff=staff)
    return caller_verification_answer(
        verification=verification,
        staff=staff,
        answers={k: ANSWERS[Question(k)] if right else "no" for k in verification.question_keys},
    )


def _written(
    person: Person,
    staff: User,
    *,
    approver: User | None = None,
    expires_on: date | None = None,
) -> Authorisation:
    """Recorded by ``staff``; approved by ``approver`` if given, else awaiting approval."""
    authorisation = authorisation_record_written(
        person=person,
        authorised_party="Alex Jones, husband",
        scope="Their training bookings",
        document_reference="SCAN-0042",
        expires_on=expires_on or timezone.localdate() + timedelta(days=90),
        actor=staff,
    )
    if approver is not None:
        authorisation_approve(authorisation=authorisation, actor=approver)
    return authorisation


def _on_a_verified_call(client: Client, email: str = "sam@example.org") -> CallerVerification:
    """Start a check through the call screen and give the right answers."""
    client.post(FIND, {"email": email})
    verification = CallerVerification.objects.filter(person__email=email).first()
    assert verification is not None
    client.post(VERIFY, {f"answer_{k}": ANSWERS[Question(k)] for k in verification.question_keys})
    verification.refresh_from_db()
    assert verification.passed
    return verification


def _one_off(verification: CallerVerification, staff: User) -> Authorisation:
    return authorisation_record_one_off(
        verification=verification,
        authorised_party="Pat, colleague",
        scope="Whether the booking went through",
        actor=staff,
    )


# --- Recording ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_written_authorisation_is_live_until_the_end_of_its_expiry_date(
    person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver, expires_on=timezone.localdate())

    assert list(live_authorisations(person)) == [authorisation]
    assert authorisation.valid_until.date() == timezone.localdate()
    entry = AuditEntry.objects.get(action="privacy.authorisation.recorded")
    assert entry.details == {"person": person.pk, "kind": "written"}
    approved = AuditEntry.objects.get(action="privacy.authorisation.approved")
    assert (approved.actor_id, approved.details) == (approver.pk, {"person": person.pk})


@pytest.mark.django_db
def test_an_expired_written_authorisation_is_not_live_and_not_shown_on_the_call(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver)
    Authorisation.objects.filter(pk=authorisation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    sign_in(client, call_taker)
    _on_a_verified_call(client)

    page = client.get(VERIFY).content.decode()

    assert not live_authorisations(person).exists()
    assert authorisation.authorised_party not in page
    assert "They have not authorised anyone else" in page
    authorisation.refresh_from_db()
    assert authorisation.status() == "Expired"


@pytest.mark.django_db
def test_a_written_authorisation_is_recorded_through_its_form(
    client: Client, person: Person, call_taker: User
) -> None:
    sign_in(client, call_taker)
    expiry = timezone.localdate() + timedelta(days=30)

    response = client.post(
        reverse("identity:authorisation_written"),
        as_date_boxes(
            {
                "email": "sam@example.org",
                "authorised_party": "Jo Smith, solicitor",
                "scope": "Everything about their complaint",
                "document_reference": "LTR-2026-01",
                "expires_on": expiry,
            },
            "expires_on",
        ),
    )

    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert authorisation.kind == AuthorisationKind.WRITTEN
    assert authorisation.recorded_by == call_taker
    assert authorisation.valid_until.date() == expiry
    assert authorisation.status() == "Awaiting approval"
    assert "must approve it before staff can rely on it" in (
        client.get(response["Location"]).content.decode()
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"document_reference": ""}, "Enter the document reference"),
        ({"expires_on": "01/01/2020"}, "The expiry date must be today or in the future"),
        ({"expires_on": "31/02/2027"}, "The expiry date must be a real date"),
        ({"email": "nobody@example.org"}, "We hold no one with this email address"),
        ({"authorised_party": ""}, "Enter who we may speak to"),
    ],
)
def test_a_bad_written_authorisation_gets_a_form_error(
    client: Client, person: Person, call_taker: User, change: dict[str, str], error: str
) -> None:
    sign_in(client, call_taker)
    data = {
        "email": "sam@example.org",
        "authorised_party": "Jo Smith, solicitor",
        "scope": "Their complaint",
        "document_reference": "LTR-2026-01",
        "expires_on": (timezone.localdate() + timedelta(days=30)).strftime("%d/%m/%Y"),
        **change,
    }

    response = client.post(
        reverse("identity:authorisation_written"), as_date_boxes(data, "expires_on")
    )

    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Authorisation.objects.exists()


@pytest.mark.django_db
def test_a_one_off_instruction_needs_a_check_passed_within_the_hour(
    person: Person, call_taker: User
) -> None:
    failed = _verify(person, call_taker, right=False)
    with pytest.raises(ValidationError, match="passed the security questions"):
        _one_off(failed, call_taker)

    passed = _verify(person, call_taker)
    CallerVerification.objects.filter(pk=passed.pk).update(
        completed_at=timezone.now() - timedelta(minutes=61)
    )
    passed.refresh_from_db()
    with pytest.raises(ValidationError, match="within the last hour"):
        _one_off(passed, call_taker)

    assert not Authorisation.objects.exists()


@pytest.mark.django_db
def test_a_one_off_instruction_is_recorded_on_a_verified_call(
    client: Client, person: Person, call_taker: User
) -> None:
    sign_in(client, call_taker)
    assert "can only be taken from a caller who passed" in (
        client.get(reverse("identity:one_off")).content.decode()
    )
    verification = _on_a_verified_call(client)

    empty = client.post(reverse("identity:one_off"), {})
    response = client.post(
        reverse("identity:one_off"),
        {"authorised_party": "Pat, colleague", "scope": "Their booking"},
    )

    assert "Enter who we may speak to" in empty.content.decode()
    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert authorisation.kind == AuthorisationKind.VERBAL_ONE_OFF
    assert authorisation.verification == verification
    assert "Pat, colleague" in client.get(VERIFY).content.decode()


# --- Using ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_one_off_instruction_can_be_used_only_once(person: Person, call_taker: User) -> None:
    verification = _verify(person, call_taker)
    authorisation = _one_off(verification, call_taker)

    authorisation_use(authorisation=authorisation, verification=verification, actor=call_taker)
    with pytest.raises(ValidationError, match="has been used"):
        authorisation_use(authorisation=authorisation, verification=verification, actor=call_taker)

    authorisation.refresh_from_db()
    assert authorisation.status() == "Used"
    assert authorisation.used_by == call_taker
    assert authorisation.used_at is not None
    assert AuthorisationUse.objects.count() == 1
    assert AuditEntry.objects.filter(action="privacy.authorisation.used").count() == 1
    assert not live_authorisations(person).exists()


@pytest.mark.django_db
def test_a_written_authorisation_can_be_used_on_every_verified_call(
    person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver)

    for _ in range(2):
        verification = _verify(person, call_taker)
        authorisation_use(authorisation=authorisation, verification=verification, actor=call_taker)

    assert AuthorisationUse.objects.filter(authorisation=authorisation).count() == 2
    assert list(live_authorisations(person)) == [authorisation]


@pytest.mark.django_db
def test_using_an_authorisation_needs_a_recent_pass_for_that_person(
    person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver)
    other = Person.objects.create(email="other@example.org")
    security_questions_set(person=other, answers=ANSWERS)

    with pytest.raises(ValidationError, match="someone else"):
        authorisation_use(
            authorisation=authorisation,
            verification=_verify(other, call_taker),
            actor=call_taker,
        )
    with pytest.raises(ValidationError, match="passed the security questions"):
        authorisation_use(
            authorisation=authorisation,
            verification=_verify(person, call_taker, right=False),
            actor=call_taker,
        )
    assert not AuthorisationUse.objects.exists()


@pytest.mark.django_db
def test_a_use_is_recorded_from_the_call_screen_and_a_second_is_refused(
    client: Client, person: Person, call_taker: User
) -> None:
    sign_in(client, call_taker)
    verification = _on_a_verified_call(client)
    authorisation = _one_off(verification, call_taker)

    first = client.post(
        reverse("identity:verify_use"), {"authorisation": authorisation.public_id}, follow=True
    )
    second = client.post(
        reverse("identity:verify_use"), {"authorisation": authorisation.public_id}, follow=True
    )

    assert "Recorded: you discussed the caller" in first.content.decode()
    assert "has been used, revoked or has expired" in second.content.decode()
    assert AuthorisationUse.objects.count() == 1


@pytest.mark.django_db
def test_the_call_screen_refuses_an_authorisation_for_someone_else(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    other = Person.objects.create(email="other@example.org")
    theirs = _written(other, call_taker, approver=approver)
    sign_in(client, call_taker)
    _on_a_verified_call(client)

    response = client.post(
        reverse("identity:verify_use"), {"authorisation": theirs.public_id}, follow=True
    )

    assert "That authorisation is not for this caller" in response.content.decode()
    assert not AuthorisationUse.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_uses_of_a_one_off_instruction_at_once_give_exactly_one(
    person: Person, call_taker: User, make_user: Callable[..., User]
) -> None:
    colleague = make_user(Role.TRAINING_COORDINATOR)
    mine, theirs = _verify(person, call_taker), _verify(person, colleague)
    authorisation = _one_off(mine, call_taker)
    attempts = 8
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def use(n: int) -> None:
        staff, verification = (call_taker, mine) if n % 2 else (colleague, theirs)
        try:
            start.wait()
            authorisation_use(
                authorisation=Authorisation.objects.get(pk=authorisation.pk),
                verification=verification,
                actor=staff,
            )
            outcomes.append("used")
        except ValidationError:
            outcomes.append("refused")
        except BaseException as error:  # surfaced by the assertion below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=use, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused"] * (attempts - 1) + ["used"]
    assert AuthorisationUse.objects.count() == 1
    assert AuditEntry.objects.filter(action="privacy.authorisation.used").count() == 1


# --- Revoking -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_revoked_authorisation_is_no_longer_live_or_usable(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver)
    sign_in(client, call_taker)
    verification = _on_a_verified_call(client)
    url = reverse("identity:authorisation_revoke", args=[authorisation.public_id])

    response = client.post(url)

    assert response.status_code == 302
    authorisation.refresh_from_db()
    assert authorisation.status() == "Revoked"
    assert authorisation.revoked_by == call_taker
    assert not live_authorisations(person).exists()
    entry = AuditEntry.objects.get(action="privacy.authorisation.revoked")
    assert entry.details == {"person": person.pk, "verification": verification.pk}
    with pytest.raises(ValidationError):
        authorisation_use(
            authorisation=authorisation,
            verification=_verify(person, call_taker),
            actor=call_taker,
        )
    with pytest.raises(ValidationError, match="already been revoked"):
        authorisation_revoke(
            authorisation=authorisation, actor=call_taker, verification=verification
        )
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_staff_find_a_persons_authorisations_by_email_in_the_form_body(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    live = _written(person, call_taker, approver=approver)
    verification = _verify(person, call_taker)
    used = _one_off(verification, call_taker)
    authorisation_use(authorisation=used, verification=verification, actor=call_taker)
    sign_in(client, call_taker)
    _on_a_verified_call(client)

    page = client.post(reverse("identity:authorisations"), {"email": "sam@example.org"})

    text = page.content.decode()
    assert live.authorised_party in text
    assert "Used" in text
    assert call_taker.full_name in text
    read = AuditEntry.objects.get(action="privacy.authorisations.read")
    assert read.details == {"purpose": "checking who may speak for the caller", "records": 2}
    assert read.target_id == str(person.pk)


# --- Only on a verified call, or by the data protection lead --------------------------------

REFUSED = "Check the caller's identity first"
AUTHORISATIONS = reverse("identity:authorisations")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [Role.COMMUNICATIONS_OFFICER, Role.TRAINING_COORDINATOR, Role.PARTNERSHIP_ADMINISTRATOR],
)
def test_outside_a_call_staff_are_told_to_check_the_caller_first_and_nothing_is_read_or_written(
    client: Client,
    person: Person,
    call_taker: User,
    approver: User,
    make_user: Callable[..., User],
    role: Role,
) -> None:
    authorisation = _written(person, call_taker, approver=approver)
    sign_in(client, make_user(role))
    revoke = reverse("identity:authorisation_revoke", args=[authorisation.public_id])
    before = AuditEntry.objects.count()

    responses = [
        client.get(AUTHORISATIONS),
        client.post(AUTHORISATIONS, {"email": "sam@example.org"}),
        client.get(revoke),
        client.post(revoke),
    ]

    for response in responses:
        assert response.status_code == 403
        page = response.content.decode()
        assert REFUSED in page
        assert "passed the security questions" in page
        assert authorisation.authorised_party not in page
    assert AuditEntry.objects.count() == before
    authorisation.refresh_from_db()
    assert authorisation.status() == "Live"


@pytest.mark.django_db
def test_the_service_refuses_to_revoke_without_a_verified_call(
    person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver)
    failed = _verify(person, call_taker, right=False)

    for verification in (None, failed):
        with pytest.raises(VerifyTheCallerFirst):
            authorisation_revoke(
                authorisation=authorisation, actor=call_taker, verification=verification
            )

    authorisation.refresh_from_db()
    assert authorisation.revoked_at is None
    assert not AuditEntry.objects.filter(action="privacy.authorisation.revoked").exists()


@pytest.mark.django_db
def test_on_a_verified_call_staff_find_only_the_callers_own_authorisations(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    other = Person.objects.create(email="other@example.org")
    theirs = _written(other, call_taker, approver=approver)
    sign_in(client, call_taker)
    _on_a_verified_call(client)
    before = AuditEntry.objects.count()

    found = client.post(AUTHORISATIONS, {"email": "other@example.org"})
    revoke = client.post(reverse("identity:authorisation_revoke", args=[theirs.public_id]))

    assert found.status_code == 400
    assert "Enter the email address of the caller who passed the check" in found.content.decode()
    assert theirs.authorised_party not in found.content.decode()
    assert revoke.status_code == 404
    assert AuditEntry.objects.count() == before
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.django_db
def test_ending_the_call_closes_the_authorisations_again(
    client: Client, person: Person, call_taker: User
) -> None:
    sign_in(client, call_taker)
    _on_a_verified_call(client)
    assert client.get(AUTHORISATIONS).status_code == 200

    client.post(reverse("identity:end_call"))

    response = client.post(AUTHORISATIONS, {"email": "sam@example.org"})
    assert response.status_code == 403
    assert REFUSED in response.content.decode()
    assert not AuditEntry.objects.filter(action="privacy.authorisations.read").exists()


@pytest.mark.django_db
def test_a_check_older_than_an_hour_no_longer_opens_the_authorisations(
    client: Client, clock: Any, person: Person, call_taker: User
) -> None:
    clock.move_to(timezone.now(), tick=False)
    sign_in(client, call_taker)
    _on_a_verified_call(client)

    # Each request keeps the staff session (30 minutes idle) alive.
    for minutes in (20, 20, 19):
        clock.shift(timedelta(minutes=minutes))
        assert client.get(AUTHORISATIONS).status_code == 200
    clock.shift(timedelta(minutes=2))
    response = client.get(AUTHORISATIONS)
    assert response.status_code == 403
    assert REFUSED in response.content.decode()


@pytest.mark.django_db
def test_a_failed_check_does_not_open_the_authorisations(
    client: Client, person: Person, call_taker: User
) -> None:
    sign_in(client, call_taker)
    client.post(FIND, {"email": "sam@example.org"})
    verification = CallerVerification.objects.get()
    client.post(VERIFY, {f"answer_{k}": "wrong" for k in verification.question_keys})

    assert client.get(AUTHORISATIONS).status_code == 403


@pytest.mark.django_db
def test_a_data_protection_lead_finds_authorisations_outside_a_call_and_the_purpose_is_audited(
    client: Client, person: Person, call_taker: User, approver: User, lead: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver)
    sign_in(client, lead)

    page = client.post(AUTHORISATIONS, {"email": "sam@example.org"}).content.decode()

    assert authorisation.authorised_party in page
    read = AuditEntry.objects.get(action="privacy.authorisations.read")
    assert read.actor_id == lead.pk
    assert read.target_id == str(person.pk)
    assert read.details == {
        "purpose": "data protection lead: reviewing authorisations outside a call",
        "records": 1,
    }


@pytest.mark.django_db
def test_a_data_protection_lead_revokes_at_any_time_and_it_is_audited(
    client: Client, person: Person, call_taker: User, approver: User, lead: User
) -> None:
    authorisation = _written(person, call_taker, approver=approver)
    sign_in(client, lead)
    url = reverse("identity:authorisation_revoke", args=[authorisation.public_id])

    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)

    assert "The authorisation is revoked" in response.content.decode()
    authorisation.refresh_from_db()
    assert (authorisation.status(), authorisation.revoked_by) == ("Revoked", lead)
    entry = AuditEntry.objects.get(action="privacy.authorisation.revoked")
    assert (entry.actor_id, entry.details) == (lead.pk, {"person": person.pk, "verification": None})


# --- A written authorisation needs a second person ------------------------------------------

AWAITING = reverse("identity:authorisations_awaiting")


@pytest.mark.django_db
def test_a_written_authorisation_awaits_approval_and_cannot_be_relied_on_until_then(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker)
    verification = _verify(person, call_taker)

    assert authorisation.status() == "Awaiting approval"
    assert not live_authorisations(person).exists()
    with pytest.raises(ValidationError, match="do not rely on it"):
        authorisation_use(authorisation=authorisation, verification=verification, actor=call_taker)
    sign_in(client, call_taker)
    _on_a_verified_call(client)
    assert authorisation.authorised_party not in client.get(VERIFY).content.decode()
    used = client.post(
        reverse("identity:verify_use"), {"authorisation": authorisation.public_id}, follow=True
    )
    assert "has been used, revoked or has expired" in used.content.decode()
    assert not AuthorisationUse.objects.exists()

    authorisation_approve(authorisation=authorisation, actor=approver)

    assert list(live_authorisations(person)) == [authorisation]
    assert authorisation.approved_by == approver
    assert authorisation.authorised_party in client.get(VERIFY).content.decode()


@pytest.mark.django_db
def test_approvers_see_the_waiting_list_approve_and_get_a_confirmation_banner(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker)
    sign_in(client, approver)

    page = client.get(AWAITING).content.decode()
    response = client.post(
        reverse("identity:authorisation_approve", args=[authorisation.public_id]), follow=True
    )

    assert "govuk-summary-list" in page
    assert authorisation.authorised_party in page
    assert authorisation.document_reference in page
    assert "Approve" in page
    text = response.content.decode()
    assert "govuk-notification-banner--success" in text
    assert "The written authorisation is approved" in text
    assert "No written authorisations are awaiting approval" in text
    authorisation.refresh_from_db()
    assert authorisation.status() == "Live"
    reads = AuditEntry.objects.filter(action="privacy.authorisations_awaiting.read")
    assert [read.details for read in reads.order_by("sequence")] == [
        {"purpose": "approving written authorisations", "records": 1},
        {"purpose": "approving written authorisations", "records": 0},
    ]
    assert AuditEntry.objects.filter(action="privacy.authorisation.approved").count() == 1


@pytest.mark.django_db
def test_the_recorder_cannot_approve_their_own_written_authorisation(
    client: Client, person: Person, lead: User
) -> None:
    authorisation = _written(person, lead)
    sign_in(client, lead)

    page = client.get(AWAITING).content.decode()
    response = client.post(
        reverse("identity:authorisation_approve", args=[authorisation.public_id]), follow=True
    )
    reject = client.post(
        reverse("identity:authorisation_reject", args=[authorisation.public_id]),
        {"reason": "Mine"},
    )

    assert "You recorded this authorisation, so someone else must approve it" in page
    assert reverse("identity:authorisation_approve", args=[authorisation.public_id]) not in page
    assert "You recorded this authorisation, so someone else must approve it" in (
        response.content.decode()
    )
    assert reject.status_code == 400
    assert "someone else must approve it" in reject.content.decode()
    with pytest.raises(ValidationError, match="someone else must approve it"):
        authorisation_approve(authorisation=authorisation, actor=lead)
    authorisation.refresh_from_db()
    assert authorisation.status() == "Awaiting approval"
    assert not AuditEntry.objects.filter(
        action__in=["privacy.authorisation.approved", "privacy.authorisation.rejected"]
    ).exists()


@pytest.mark.django_db
def test_only_a_lead_or_administrator_approves(person: Person, call_taker: User) -> None:
    authorisation = _written(person, call_taker)

    with pytest.raises(PermissionDenied):
        authorisation_approve(authorisation=authorisation, actor=call_taker)

    authorisation.refresh_from_db()
    assert authorisation.awaiting_approval


@pytest.mark.django_db
def test_the_database_refuses_self_approval_too(person: Person, lead: User) -> None:
    authorisation = _written(person, lead)

    with pytest.raises(IntegrityError), transaction.atomic():
        Authorisation.objects.filter(pk=authorisation.pk).update(
            approved_by=lead, approved_at=timezone.now()
        )


@pytest.mark.django_db
def test_a_rejection_needs_a_reason_is_audited_and_is_final(
    client: Client, person: Person, call_taker: User, approver: User
) -> None:
    authorisation = _written(person, call_taker)
    sign_in(client, approver)
    url = reverse("identity:authorisation_reject", args=[authorisation.public_id])

    empty = client.post(url, {"reason": ""})
    response = client.post(url, {"reason": "The letter is not signed"}, follow=True)

    assert "Enter why the authorisation is rejected" in empty.content.decode()
    assert "The written authorisation is rejected" in response.content.decode()
    authorisation.refresh_from_db()
    assert authorisation.status() == "Rejected"
    assert authorisation.rejected_by == approver
    assert authorisation.rejection_reason == "The letter is not signed"
    assert not live_authorisations(person).exists()
    entry = AuditEntry.objects.get(action="privacy.authorisation.rejected")
    assert (entry.actor_id, entry.reason) == (approver.pk, "The letter is not signed")
    assert entry.details == {"person": person.pk}
    with pytest.raises(ValidationError, match="already been approved, rejected or revoked"):
        authorisation_approve(authorisation=authorisation, actor=approver)
    assert client.get(url).status_code == 404


# --- Random public ids in URLs --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/staff/callers/authorisations/1/revoke/",
        "/staff/callers/authorisations/1/approve/",
        "/staff/callers/authorisations/1/reject/",
        "/staff/disclosures/1/",
    ],
)
def test_integer_ids_no_longer_resolve(client: Client, lead: User, path: str) -> None:
    sign_in(client, lead)

    with pytest.raises(Resolver404):
        resolve(path)
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_authorisations_are_addressed_by_a_random_uuid_not_their_id(
    client: Client, person: Person, call_taker: User, lead: User
) -> None:
    first, second = _written(person, call_taker), _written(person, call_taker)
    sign_in(client, lead)

    page = client.post(AUTHORISATIONS, {"email": "sam@example.org"}).content.decode()

    assert first.public_id != second.public_id
    assert first.public_id.version == 4
    for authorisation in (first, second):
        url = reverse("identity:authorisation_revoke", args=[authorisation.public_id])
        assert str(authorisation.public_id) in url
        assert url in page
        assert client.get(url).status_code == 200
        assert f"/{authorisation.pk}/" not in page
