"""Carrying out an erasure takes two people: one prepares it (seeing what will be erased and
what kept, and why), a different data protection lead or administrator approves it, and only
the approval erases anything."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.identity import SecurityQuestion
from safeguarding.privacy.models.rights import RequestKind, RequestStatus, RightsRequest
from safeguarding.privacy.models.rights_outcomes import ErasureReport, PreparedErasure
from safeguarding.privacy.models.two_person import ProposalStatus
from safeguarding.privacy.rights.erasure import (
    erasure_preview,
    rights_request_erasure_approve,
    rights_request_erasure_prepare,
    rights_request_erasure_reject,
    rights_request_erasure_withdraw,
)
from safeguarding.training.models import Booking, WaitingStatus
from tests.clock import at_london
from tests.privacy.access_rights import open_request
from tests.privacy.conftest import audited, client_for
from tests.privacy.test_people import SAM, sams_booking
from tests.training.factories import WaitingListEntryFactory

CONFIRMED = {"confirm": "on"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def preparer(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD, full_name="Priya Preparer")


@pytest.fixture
def approver(second_lead: User) -> User:
    return second_lead


@pytest.fixture
def request_to_erase() -> RightsRequest:
    request = open_request(email="me@example.org", kind=RequestKind.ERASURE)
    SecurityQuestion.objects.create(person=request.person, question="first_pet", answer_hash="x")
    return request


def url(name: str, request: RightsRequest) -> str:
    return reverse(name, args=[request.pk])


def nothing_erased(request: RightsRequest) -> bool:
    request.refresh_from_db()
    return (
        SecurityQuestion.objects.filter(person=request.person).exists()
        and not ErasureReport.objects.exists()
        and request.status == RequestStatus.OPEN
    )


def prepare(request: RightsRequest, actor: User) -> PreparedErasure:
    return rights_request_erasure_prepare(request=request, actor=actor)


# --- Preparing ---------------------------------------------------------------------------------


def test_the_page_shows_what_will_be_erased_and_what_kept_and_why(
    preparer: User, request_to_erase: RightsRequest
) -> None:
    page = client_for(preparer).get(url("rights:erase", request_to_erase)).content.decode()

    assert "Prepare the erasure for approval" in page
    assert "Security questions" in page
    assert "Rights request" in page
    assert "The record of your request" in page  # why the request itself is kept
    assert "me@example.org" not in page
    lines = {line.model: line for line in erasure_preview("me@example.org")}
    assert (lines["privacy.SecurityQuestion"].removed, lines["privacy.RightsRequest"].kept) == (
        1,
        1,
    )
    assert nothing_erased(request_to_erase)  # looking erases nothing


def test_preparing_erases_nothing_and_the_request_page_says_who_prepared_it(
    preparer: User, approver: User, request_to_erase: RightsRequest, clock
) -> None:
    clock.move_to(datetime(2026, 12, 7, 10, 0, tzinfo=timezone.get_current_timezone()))

    response = client_for(preparer).post(
        url("rights:erase", request_to_erase),
        {"reason": "Checked with the requester", "confirm": "on"},
        follow=True,
    )

    page = response.content.decode()
    assert "A second data protection lead or administrator must approve it" in page
    assert (
        "Erasure prepared by Priya Preparer on 7 December 2026, waiting for a second person" in page
    )
    assert nothing_erased(request_to_erase)
    prepared = PreparedErasure.objects.get()
    assert (prepared.status, prepared.proposed_by, prepared.reason) == (
        ProposalStatus.PENDING,
        preparer,
        "Checked with the requester",
    )
    [entry] = audited("privacy.rights_request.erasure_prepared")
    assert entry.actor == preparer
    assert entry.details == {
        "request": request_to_erase.pk,
        "removed": 1,
        "anonymised": 0,
        "kept": 3,  # the request, this preparation and what is kept with them
    }
    # The approver is pointed to the erasure, with the preparer's note.
    detail = client_for(approver).get(url("rights:detail", request_to_erase)).content.decode()
    assert "approve or reject it" in detail
    erase_page = client_for(approver).get(url("rights:erase", request_to_erase)).content.decode()
    assert "Checked with the requester" in erase_page
    assert "Security questions" in erase_page


def test_only_one_erasure_may_wait_per_request(
    preparer: User, approver: User, request_to_erase: RightsRequest
) -> None:
    prepare(request_to_erase, preparer)

    with pytest.raises(ValidationError, match="already prepared"):
        prepare(request_to_erase, approver)
    assert PreparedErasure.objects.count() == 1


# --- Approving ---------------------------------------------------------------------------------


def test_a_second_lead_approves_and_the_erasure_is_carried_out(
    preparer: User, approver: User, request_to_erase: RightsRequest
) -> None:
    prepared = prepare(request_to_erase, preparer)
    client = client_for(approver)
    assert url("rights:erasure_approve", request_to_erase) in (
        client.get(url("rights:erase", request_to_erase)).content.decode()
    )

    response = client.post(url("rights:erasure_approve", request_to_erase), CONFIRMED, follow=True)

    page = response.content.decode()
    assert "is carried out and the requester is sent the report" in page
    assert "prepared by Priya Preparer and approved by Alex Approver" in page
    assert not SecurityQuestion.objects.filter(person=request_to_erase.person).exists()
    report = ErasureReport.objects.get()
    assert report.carried_out_by == approver
    prepared.refresh_from_db()
    assert (prepared.status, prepared.decided_by) == (ProposalStatus.APPROVED, approver)
    [approved] = audited("privacy.rights_request.erasure_approved")
    assert approved.actor == approver
    assert approved.details == {"request": request_to_erase.pk}
    [erased] = audited("privacy.rights_request.erased")
    assert erased.actor == approver
    request_to_erase.refresh_from_db()
    assert request_to_erase.status == RequestStatus.COMPLETED


def test_an_administrator_may_approve(
    preparer: User, request_to_erase: RightsRequest, make_user: Callable[..., User]
) -> None:
    rights_request_erasure_approve(
        prepared=prepare(request_to_erase, preparer),
        actor=make_user(Role.PARTNERSHIP_ADMINISTRATOR),
    )

    assert ErasureReport.objects.count() == 1


def test_the_preparer_cannot_approve_their_own_erasure(
    preparer: User, request_to_erase: RightsRequest
) -> None:
    prepared = prepare(request_to_erase, preparer)
    client = client_for(preparer)

    page = client.get(url("rights:erase", request_to_erase)).content.decode()
    assert url("rights:erasure_approve", request_to_erase) not in page
    assert url("rights:erasure_reject", request_to_erase) not in page
    assert url("rights:erasure_withdraw", request_to_erase) in page
    assert "You prepared this erasure: a second person must approve it." in page
    with pytest.raises(ValidationError, match="a second person must approve it"):
        rights_request_erasure_approve(prepared=prepared, actor=preparer)
    response = client.post(url("rights:erasure_approve", request_to_erase), CONFIRMED, follow=True)

    assert "You prepared this erasure: a second person must approve it." in (
        response.content.decode()
    )
    assert nothing_erased(request_to_erase)
    prepared.refresh_from_db()
    assert prepared.status == ProposalStatus.PENDING
    assert len(audited("privacy.rights_request.erasure_own_approval_refused")) == 2


def test_someone_without_a_data_protection_role_cannot_approve(
    preparer: User, request_to_erase: RightsRequest, make_user: Callable[..., User]
) -> None:
    prepared = prepare(request_to_erase, preparer)
    coordinator = make_user(Role.TRAINING_COORDINATOR)

    with pytest.raises(ValidationError, match="cannot act on this request"):
        rights_request_erasure_approve(prepared=prepared, actor=coordinator)
    assert (
        client_for(coordinator)
        .post(url("rights:erasure_approve", request_to_erase), CONFIRMED)
        .status_code
        == 403
    )
    assert nothing_erased(request_to_erase)


def test_nothing_waiting_means_nothing_to_approve(
    approver: User, request_to_erase: RightsRequest
) -> None:
    response = client_for(approver).post(url("rights:erasure_approve", request_to_erase), CONFIRMED)

    assert response.status_code == 404
    assert nothing_erased(request_to_erase)


# --- Rejecting and withdrawing -----------------------------------------------------------------


def test_a_second_lead_rejects_with_a_reason_and_nothing_is_erased(
    preparer: User, approver: User, request_to_erase: RightsRequest
) -> None:
    prepared = prepare(request_to_erase, preparer)
    client = client_for(approver)
    reject = url("rights:erasure_reject", request_to_erase)
    assert "Why are you rejecting this erasure?" in client.get(reject).content.decode()

    empty = client.post(reject, {"reason": ""})
    assert "Enter why you are rejecting the erasure" in empty.content.decode()

    response = client.post(reject, {"reason": "The identity check is not done"}, follow=True)

    page = response.content.decode()
    assert "is rejected: nothing was erased" in page
    assert "rejected by Alex Approver" in page
    assert "The identity check is not done" in page
    assert nothing_erased(request_to_erase)
    prepared.refresh_from_db()
    assert prepared.status == ProposalStatus.REJECTED
    [entry] = audited("privacy.rights_request.erasure_rejected")
    assert (entry.actor, entry.reason) == (approver, "The identity check is not done")
    prepare(request_to_erase, preparer)  # it may be prepared again


def test_the_preparer_cannot_reject_but_may_withdraw(
    preparer: User, approver: User, request_to_erase: RightsRequest
) -> None:
    prepared = prepare(request_to_erase, preparer)
    with pytest.raises(ValidationError, match="withdraw it instead"):
        rights_request_erasure_reject(prepared=prepared, reason="No", actor=preparer)
    with pytest.raises(ValidationError, match="Only the person who prepared"):
        rights_request_erasure_withdraw(prepared=prepared, actor=approver)

    response = client_for(preparer).post(
        url("rights:erasure_withdraw", request_to_erase), follow=True
    )

    assert "You withdrew the erasure" in response.content.decode()
    prepared.refresh_from_db()
    assert prepared.status == ProposalStatus.WITHDRAWN
    assert len(audited("privacy.rights_request.erasure_withdrawn")) == 1
    assert nothing_erased(request_to_erase)


# --- A request about a member of staff's own account -------------------------------------------


def test_a_staff_members_own_erasure_is_prepared_and_approved_by_two_other_administrators(
    make_user: Callable[..., User],
) -> None:
    subject = make_user(Role.PARTNERSHIP_ADMINISTRATOR)
    lead = make_user(Role.DATA_PROTECTION_LEAD)
    first, second = (make_user(Role.PARTNERSHIP_ADMINISTRATOR) for _ in range(2))
    request = open_request(email=subject.email, kind=RequestKind.ERASURE)

    with pytest.raises(ValidationError, match="cannot act on this request"):
        prepare(request, lead)
    with pytest.raises(ValidationError, match="cannot act on this request"):
        prepare(request, subject)
    prepared = prepare(request, first)
    assert (
        client_for(lead).post(url("rights:erasure_approve", request), CONFIRMED).status_code == 403
    )
    assert (
        client_for(subject).post(url("rights:erasure_approve", request), CONFIRMED).status_code
        == 403
    )
    with pytest.raises(ValidationError, match="cannot act on this request"):
        rights_request_erasure_approve(prepared=prepared, actor=lead)
    with pytest.raises(ValidationError, match="a second person must approve it"):
        rights_request_erasure_approve(prepared=prepared, actor=first)

    rights_request_erasure_approve(prepared=prepared, actor=second)

    assert ErasureReport.objects.get().carried_out_by == second


def test_the_page_lists_each_record_and_that_an_upcoming_bookings_trainer_is_told(
    make_user: Callable[..., User], clock: Any
) -> None:
    clock.move_to(at_london(2027, 1, 10, 9, 0))  # the 25 January session is still to come

    booking = sams_booking()
    booking.session.trainer = make_user(Role.TRAINER, full_name="Tess Trainer")
    booking.session.save()
    request = open_request(email=SAM, kind=RequestKind.ERASURE)
    preparer = make_user(Role.DATA_PROTECTION_LEAD)

    page = client_for(preparer).get(url("rights:erase", request)).content.decode()

    assert "Booking on Working together, 25 January 2027" in page
    assert "the place is freed and offered to anyone waiting, and the trainer is told" in page
    refused = client_for(preparer).post(url("rights:erase", request), {"reason": ""})
    assert refused.status_code == 400
    assert "Confirm you have checked what the erasure will delete" in refused.content.decode()
    assert not PreparedErasure.objects.exists()
    assert Booking.objects.filter(pk=booking.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_approving_without_confirming_erases_nothing_and_the_trainer_is_told_after(
    make_user: Callable[..., User],
    run_tasks: Callable[[], None],
    mailoutbox: list[Any],
    clock: Any,
) -> None:
    clock.move_to(at_london(2027, 1, 10, 9, 0))  # the 25 January session is still to come

    booking = sams_booking()
    trainer = make_user(Role.TRAINER, email="tess.trainer@staff.example.org")
    booking.session.trainer = trainer
    booking.session.save()
    request = open_request(email=SAM, kind=RequestKind.ERASURE)
    prepare(request, make_user(Role.DATA_PROTECTION_LEAD))
    approver = client_for(make_user(Role.DATA_PROTECTION_LEAD))

    unconfirmed = approver.post(url("rights:erasure_approve", request))
    assert unconfirmed.status_code == 400
    assert "govuk-error-summary" in unconfirmed.content.decode()
    assert Booking.objects.filter(pk=booking.pk).exists()

    assert approver.post(url("rights:erasure_approve", request), CONFIRMED).status_code == 302
    assert not Booking.objects.filter(pk=booking.pk).exists()
    run_tasks()
    [told] = [m for m in mailoutbox if m.to == [trainer.email]]
    assert "Working together" in told.subject
    assert "Sam" not in str(told.body)


def test_an_erased_upcoming_booking_offers_its_place_to_the_waiting_list(
    make_user: Callable[..., User], clock: Any
) -> None:
    clock.move_to(at_london(2027, 1, 10, 9, 0))
    booking = sams_booking()
    booking.session.capacity = 1
    booking.session.save()
    waiting = WaitingListEntryFactory(session=booking.session)
    request = open_request(email=SAM, kind=RequestKind.ERASURE)
    prepared = prepare(request, make_user(Role.DATA_PROTECTION_LEAD))

    rights_request_erasure_approve(prepared=prepared, actor=make_user(Role.DATA_PROTECTION_LEAD))

    assert not Booking.objects.filter(pk=booking.pk).exists()
    waiting.refresh_from_db()
    assert waiting.status == WaitingStatus.OFFERED
    [offered] = audited("training.waiting_list.offered")
    assert offered.details["session"] == booking.session_id
