"""Legal holds by matter: a page lists every hold placed for one matter, and every hold for it
can be released at once. Releasing still takes two people: one asks, a different data
protection lead or administrator approves exactly the releases the page showed them."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.privacy.models.retention import HoldRelease, LegalHold, ProposalStatus
from safeguarding.privacy.retention.selectors import matter_key
from safeguarding.privacy.retention.services import legal_hold_release_request
from tests.privacy.conftest import audited, client_for, finished_task

pytestmark = pytest.mark.django_db

MATTER = "Claim by a former learner (invented)"


@pytest.fixture
def lead(make_user: Callable[..., User]) -> User:
    return make_user(Role.DATA_PROTECTION_LEAD, full_name="Priya Proposer")


def held(record: DBTaskResult, *, by: User, matter: str = MATTER) -> LegalHold:
    return LegalHold.objects.create(
        content_type=ContentType.objects.get_for_model(DBTaskResult),
        object_id=str(record.pk),
        scope_label=matter,
        reason="Claim about this task",
        authority="Solicitor's letter",
        review_date=timezone.localdate() + timedelta(days=30),
        placed_by=by,
    )


def matter_url(suffix: str = "") -> str:
    return f"/staff/retention/holds/matters/{matter_key(MATTER)}/{suffix}"


def test_the_holds_page_links_to_a_matter_page_listing_its_holds_only(lead: User) -> None:
    held(finished_task(days_ago=1), by=lead)
    held(finished_task(days_ago=2), by=lead)
    held(finished_task(days_ago=3), by=lead, matter="Another matter (invented)")
    client = client_for(lead)

    holds_page = client.get("/staff/retention/holds/").content.decode()
    assert matter_url() in holds_page
    assert "Claim by a former" not in matter_url()  # the name is not in the address

    page = client.get(matter_url()).content.decode()
    assert MATTER in page
    assert "2 records held for this matter" in page
    assert "Another matter" not in page
    assert "Ask to release every hold for this matter" in page
    assert client.get("/staff/retention/holds/matters/not-a-matter/").status_code == 404


def test_releasing_a_matter_asks_once_and_the_holds_stay_until_a_second_person_approves(
    lead: User, second_lead: User
) -> None:
    first = held(finished_task(days_ago=30), by=lead)
    second = held(finished_task(days_ago=1), by=lead)
    other = held(finished_task(days_ago=30), by=lead, matter="Another matter (invented)")

    empty = client_for(lead).post(matter_url("release/"), {"reason": ""})
    assert empty.status_code == 400
    assert "Enter why the holds are being released" in empty.content.decode()

    asked = client_for(lead).post(matter_url("release/"), {"reason": "Claim settled"}, follow=True)
    assert "You asked for 2 holds to be released" in asked.content.decode()
    assert {release.hold for release in HoldRelease.objects.pending()} == {first, second}
    assert len(audited("privacy.retention.hold_release_requested")) == 2
    assert all(hold.is_active for hold in LegalHold.objects.all())

    # The person who asked cannot approve: refused, audited, nothing released.
    mine = client_for(lead).get(matter_url()).content.decode()
    assert "You asked for some of these releases" in mine
    pks = [str(release.pk) for release in HoldRelease.objects.pending()]
    client_for(lead).post(matter_url("approve/"), {"release": pks})
    assert all(hold.is_active for hold in LegalHold.objects.all())
    assert audited("privacy.retention.hold_release_own_approval_refused")

    # The second person approves exactly the releases their page showed.
    page = client_for(second_lead).get(matter_url()).content.decode()
    shown = re.findall(r'name="release" value="(\d+)"', page)
    assert sorted(shown) == sorted(pks)
    approved = client_for(second_lead).post(matter_url("approve/"), {"release": shown}, follow=True)

    assert "2 holds released" in approved.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    other.refresh_from_db()
    assert not first.is_active
    assert not second.is_active
    assert other.is_active
    assert (first.released_by, first.release_reason) == (lead, "Claim settled")
    assert all(
        release.status == ProposalStatus.APPROVED and release.decided_by == second_lead
        for release in HoldRelease.objects.all()
    )
    assert len(audited("privacy.retention.hold_released")) == 2


def test_approval_is_refused_when_the_waiting_releases_changed_since_the_page_was_shown(
    lead: User, second_lead: User
) -> None:
    first = held(finished_task(days_ago=30), by=lead)
    client_for(lead).post(matter_url("release/"), {"reason": "Claim settled"})
    shown = [str(release.pk) for release in HoldRelease.objects.pending()]
    later = held(finished_task(days_ago=30), by=lead)
    legal_hold_release_request(hold=later, reason="Claim settled", actor=lead)

    response = client_for(second_lead).post(matter_url("approve/"), {"release": shown}, follow=True)

    assert "have changed since the page was shown" in response.content.decode()
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.is_active
    assert later.is_active
    assert HoldRelease.objects.pending().count() == 2


def test_a_matter_with_every_hold_waiting_offers_no_second_request(lead: User) -> None:
    held(finished_task(days_ago=30), by=lead)
    client_for(lead).post(matter_url("release/"), {"reason": "Claim settled"})

    page = client_for(lead).get(matter_url()).content.decode()

    assert "Ask to release every hold for this matter" not in page
    assert client_for(lead).get(matter_url("release/")).status_code == 404


def test_a_second_person_rejects_every_release_for_a_matter_with_one_reason(
    lead: User, second_lead: User
) -> None:
    first = held(finished_task(days_ago=30), by=lead)
    second = held(finished_task(days_ago=30), by=lead)
    client_for(lead).post(matter_url("release/"), {"reason": "Claim settled"})
    assert client_for(lead).get(matter_url("reject/")).status_code == 200
    own = client_for(lead).post(
        matter_url("reject/"),
        {"reason": "No", "release": [str(r.pk) for r in HoldRelease.objects.all()]},
    )
    assert own.status_code == 400
    assert "withdraw it instead" in own.content.decode()

    page = client_for(second_lead).get(matter_url("reject/")).content.decode()
    shown = re.findall(r'name="release" value="(\d+)"', page)
    empty = client_for(second_lead).post(matter_url("reject/"), {"reason": "", "release": shown})
    assert empty.status_code == 400
    assert "Enter why you are rejecting the releases" in empty.content.decode()
    done = client_for(second_lead).post(
        matter_url("reject/"), {"reason": "The appeal is still open", "release": shown}, follow=True
    )

    assert "2 releases rejected" in done.content.decode()
    assert {release.status for release in HoldRelease.objects.all()} == {ProposalStatus.REJECTED}
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_active
    assert second.is_active
    assert len(audited("privacy.retention.hold_release_rejected")) == 2
