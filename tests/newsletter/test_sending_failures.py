"""A campaign whose sending fails says so, and carries on by itself when it can: a refusing
mail server stops it with the reason on its page; a passing refusal is retried; a lost
worker's campaign is taken over; a batch keeps its rows for as long as it works on them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
import pytest_django.fixtures
import time_machine
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.core.models import FailedEmail
from safeguarding.newsletter import sending
from safeguarding.newsletter.models import Campaign, CampaignState, Delivery, DeliveryState
from tests.newsletter.factories import campaign, confirmed_subscriber
from tests.processes import free_port
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 30
RELAY_DENIED = "554 5.7.1 Relaying denied"


@pytest.fixture(autouse=True)
def _short_retries(settings: pytest_django.fixtures.Settings) -> None:
    settings.NEWSLETTER_RETRY_AFTER_SECONDS = [30, 60]


@pytest.fixture
def clock(clock: time_machine.TimeMachineFixture) -> time_machine.TimeMachineFixture:
    """Ticking from now, so the tests can move it on."""
    clock.move_to(timezone.now())
    return clock


def _start(officer: User) -> Campaign:
    made = campaign()
    for n in range(READERS):
        confirmed_subscriber(f"reader{n}@example.net")
    sending.campaign_start(campaign_id=made.pk, actor=officer)
    return made


def _every_retry(clock: time_machine.TimeMachineFixture, run_tasks: Callable[[], None]) -> None:
    """Run the first batch, then each retry when it falls due."""
    run_tasks()
    for _ in range(2):
        clock.shift(timedelta(seconds=61))
        run_tasks()


def _per_address(mailbox: Mailbox) -> Counter[str]:
    return Counter(rcpt for _, rcpts in mailbox.envelopes for rcpt in rcpts)


def test_a_server_refusing_every_message_stops_the_campaign_with_the_reason_and_resume_sends_the_rest(  # noqa: E501
    officer: User,
    officer_client: Client,
    smtp_server: Mailbox,
    run_tasks: Callable[[], None],
    clock: time_machine.TimeMachineFixture,
) -> None:
    # The server takes 12 messages, then refuses everything (the account was suspended).
    smtp_server.accept_first = 12
    smtp_server.refuse_every_message = RELAY_DENIED
    made = _start(officer)

    run_tasks()
    made.refresh_from_db()
    assert made.state == CampaignState.SENDING  # a retry is due
    assert "refused every message" in made.problem
    page = officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    assert "Sending is held up" in page

    for _ in range(2):
        clock.shift(timedelta(seconds=61))
        run_tasks()

    made.refresh_from_db()
    assert made.state == CampaignState.STOPPED
    page = officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    assert "Sending has stopped" in page
    assert (
        "The mail server refused every message it was given: ask your mail provider why. "
        f"12 of {READERS} sent; Resume to try the rest."
    ) in page
    # Nothing refused while the server refused us is counted as failed: it goes again.
    assert not Delivery.objects.filter(state=DeliveryState.FAILED).exists()
    [entry] = AuditEntry.objects.filter(action="newsletter.campaign.stopped")
    assert entry.details["reason"] == "EveryMessageRefused"
    assert entry.details["sent"] == 12
    [failure] = FailedEmail.objects.all()
    assert failure.reason == "EveryMessageRefused"
    assert failure.attempts == 3

    smtp_server.refuse_every_message = None  # the provider lifted the suspension
    officer_client.post(f"/staff/newsletter/{made.pk}/resume/")
    run_tasks()

    made.refresh_from_db()
    assert made.state == CampaignState.FINISHED
    assert made.problem == ""
    per_address = _per_address(smtp_server)
    assert len(per_address) == READERS
    assert set(per_address.values()) == {1}


def test_a_mail_server_that_cannot_be_reached_stops_the_campaign_after_the_retries(
    officer: User,
    officer_client: Client,
    smtp_server: Mailbox,
    settings: pytest_django.fixtures.Settings,
    run_tasks: Callable[[], None],
    clock: time_machine.TimeMachineFixture,
) -> None:
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = free_port()  # nothing listens there
    made = _start(officer)

    _every_retry(clock, run_tasks)

    made.refresh_from_db()
    assert made.state == CampaignState.STOPPED
    page = officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    assert (
        "The mail server refused the connection: check the SMTP settings. "
        f"0 of {READERS} sent; Resume to try the rest."
    ) in page

    settings.EMAIL_PORT = working_port
    officer_client.post(f"/staff/newsletter/{made.pk}/resume/")
    run_tasks()
    made.refresh_from_db()
    assert made.state == CampaignState.FINISHED
    assert set(_per_address(smtp_server).values()) == {1}
    assert len(_per_address(smtp_server)) == READERS


def test_the_stopped_campaign_is_listed_with_the_emails_that_could_not_be_sent(
    officer: User,
    administrator: User,
    smtp_server: Mailbox,
    settings: pytest_django.fixtures.Settings,
    run_tasks: Callable[[], None],
    clock: time_machine.TimeMachineFixture,
) -> None:
    from tests.conftest import sign_in

    settings.EMAIL_PORT = free_port()
    _start(officer)
    _every_retry(clock, run_tasks)

    client = Client()
    sign_in(client, administrator)
    page = client.get("/staff/failed-emails/").content.decode()
    assert "Newsletter campaign “March newsletter”" in page
    assert "The mail server could not be reached" in page
    assert "reader" not in page  # no recipient's address


def test_a_passing_refusal_is_tried_again_and_nothing_is_sent_twice(
    officer: User,
    smtp_server: Mailbox,
    run_tasks: Callable[[], None],
    clock: time_machine.TimeMachineFixture,
) -> None:
    smtp_server.next_replies = [None] * 5 + ["451 4.3.0 Try again later"]
    made = _start(officer)

    run_tasks()
    made.refresh_from_db()
    assert made.state == CampaignState.SENDING
    clock.shift(timedelta(seconds=31))
    run_tasks()

    made.refresh_from_db()
    assert made.state == CampaignState.FINISHED
    assert made.problem == ""
    per_address = _per_address(smtp_server)
    assert len(per_address) == READERS
    assert set(per_address.values()) == {1}
    assert not Delivery.objects.exclude(state=DeliveryState.SENT).exists()
    assert not FailedEmail.objects.exists()


def test_a_campaign_whose_worker_was_lost_is_taken_over_when_its_heartbeat_stops(
    officer: User,
    smtp_server: Mailbox,
    run_tasks: Callable[[], None],
    clock: time_machine.TimeMachineFixture,
    settings: pytest_django.fixtures.Settings,
) -> None:
    made = _start(officer)
    # A worker took the first batch and was killed: its rows are claimed, its task "running".
    sending._claim(made.pk, batch_size=10)
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)

    clock.shift(timedelta(seconds=settings.NEWSLETTER_STALLED_SECONDS - 5))
    assert sending.recover_stalled_campaigns() == []  # the heartbeat is recent

    clock.shift(timedelta(seconds=10))
    assert sending.recover_stalled_campaigns() == [made.pk]
    assert sending.recover_stalled_campaigns() == []  # one new batch, not one per check
    run_tasks()

    made.refresh_from_db()
    assert made.state == CampaignState.FINISHED
    per_address = _per_address(smtp_server)
    assert len(per_address) == READERS
    assert set(per_address.values()) == {1}
    assert AuditEntry.objects.filter(action="newsletter.campaign.recovered").count() == 1


def test_a_stalled_campaign_with_a_batch_queued_is_left_to_that_batch(
    officer: User, clock: time_machine.TimeMachineFixture
) -> None:
    _start(officer)  # its first batch is queued and no worker has taken it yet
    clock.shift(timedelta(minutes=5))
    assert sending.recover_stalled_campaigns() == []


def test_a_working_batch_renews_its_lease_and_stops_if_another_worker_took_a_row(
    officer: User, clock: time_machine.TimeMachineFixture, settings: pytest_django.fixtures.Settings
) -> None:
    made = _start(officer)
    claim, claimed = sending._claim(made.pk, batch_size=5)
    batch = sending._Batch(made.pk, claim, claimed)
    first_lease = batch.lease_end

    clock.shift(timedelta(seconds=settings.NEWSLETTER_HEARTBEAT_SECONDS + 1))
    assert batch.heartbeat_if_due()
    assert batch.lease_end > first_lease
    assert set(Delivery.objects.filter(claim=claim).values_list("claimed_until", flat=True)) == {
        batch.lease_end
    }
    made.refresh_from_db()
    assert made.heartbeat_at is not None
    assert made.heartbeat_at > first_lease - timedelta(seconds=settings.NEWSLETTER_CLAIM_SECONDS)

    Delivery.objects.filter(pk=claimed[0].pk).update(claim="another worker's")
    clock.shift(timedelta(seconds=settings.NEWSLETTER_HEARTBEAT_SECONDS + 1))
    held_until = batch.lease_end
    assert not batch.heartbeat_if_due()
    assert batch.lease_end == held_until  # not extended: this worker stops sending
