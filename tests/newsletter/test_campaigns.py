"""Communications officers compose, preview, test, send, pause and resume campaigns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.newsletter import sending
from safeguarding.newsletter.jobs import start_or_resume_campaigns
from safeguarding.newsletter.models import Campaign, CampaignState, Delivery, DeliveryState
from safeguarding.newsletter.tasks import start_scheduled_campaign
from safeguarding.privacy.models.rights import RequestKind
from safeguarding.privacy.models.rights_outcomes import ObjectionOutcome
from safeguarding.privacy.rights.actions import objection_decide, restriction_place
from tests.clock import at_london
from tests.conftest import sign_in
from tests.date_input import moment_boxes
from tests.newsletter.factories import campaign, confirmed_subscriber, topic
from tests.privacy.access_rights import open_request
from tests.smtp import Mailbox, html_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    """A known address, so the test message can be found (the conftest's officer_client signs
    this one in)."""
    return make_user(Role.COMMUNICATIONS_OFFICER, email="comms@staff.example.org")


def test_markdown_with_script_is_sanitised_in_the_preview_and_the_message(
    officer_client: Client, smtp_server: Mailbox
) -> None:
    response = officer_client.post(
        "/staff/newsletter/new/",
        {
            "subject": "Spring news",
            "body_markdown": "# Spring\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
            "topics": [topic().pk],
        },
    )
    made = Campaign.objects.get()
    assert response.status_code == 302
    preview = officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    assert "<h1>Spring</h1>" in preview
    assert "<script>alert" not in preview
    assert 'href="javascript:' not in preview

    officer_client.post(f"/staff/newsletter/{made.pk}/test/")

    [test_message] = smtp_server.to("comms@staff.example.org")
    assert test_message["Subject"] == "[TEST] Spring news"
    assert "<script>alert" not in html_body(test_message)
    assert test_message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_recipients_are_chosen_at_send_time_from_confirmed_consents_for_the_topics(
    officer_client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    made = campaign(topics=["newsletter"])
    confirmed_subscriber("news@example.net", "newsletter")
    confirmed_subscriber("events@example.net", "events")
    withdrawn = confirmed_subscriber("withdrawn@example.net", "newsletter")
    withdrawn.consents.update(withdrawn_at=timezone.now())
    confirmed_subscriber("late@example.net", "newsletter")  # after the campaign was written

    officer_client.post(f"/staff/newsletter/{made.pk}/send/", {"when": "now", "confirmed": "yes"})
    run_tasks()

    received = sorted(rcpt for _, rcpts in smtp_server.envelopes for rcpt in rcpts)
    assert received == ["late@example.net", "news@example.net"]
    made.refresh_from_db()
    assert made.state == CampaignState.FINISHED
    page = officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    assert 'id="progress-sent">2<' in page


def test_a_restriction_or_an_upheld_objection_keeps_a_subscriber_out_of_the_campaign(
    make_user: Callable[..., User], smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    lead = make_user(Role.DATA_PROTECTION_LEAD)
    for address in ("reader@example.net", "restricted@example.net", "objected@example.net"):
        confirmed_subscriber(address)
    restriction_place(
        request=open_request(email="restricted@example.net", kind=RequestKind.RESTRICTION),
        actor=lead,
        reason="Accuracy of their details is disputed",
    )
    objection_decide(
        request=open_request(email="objected@example.net", kind=RequestKind.OBJECTION),
        actor=lead,
        purpose="newsletter",
        outcome=ObjectionOutcome.STOPPED,
        reasons="Direct marketing: an objection is always upheld",
    )

    sending.campaign_start(campaign_id=campaign().pk, actor=None)
    run_tasks()

    assert [rcpt for _, rcpts in smtp_server.envelopes for rcpt in rcpts] == ["reader@example.net"]


def test_consent_withdrawn_after_sending_started_stops_that_message(
    smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    made = campaign()
    keeps = confirmed_subscriber("keeps@example.net")
    leaves = confirmed_subscriber("leaves@example.net")
    sending.campaign_start(campaign_id=made.pk, actor=None)
    leaves.consents.update(withdrawn_at=timezone.now())

    run_tasks()

    assert [rcpts for _, rcpts in smtp_server.envelopes] == [[keeps.email]]
    assert Delivery.objects.get(subscriber=leaves).state == DeliveryState.SKIPPED


def test_consent_withdrawn_while_a_batch_sends_stops_the_later_messages_of_that_batch(
    smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Consent is checked again every CHECK_EVERY messages within a batch, against the
    database as it is then: a withdrawal after the batch began still stops the messages after
    the next check."""
    made = campaign()
    readers = [
        confirmed_subscriber(f"reader{n:03}@example.net") for n in range(sending.CHECK_EVERY + 5)
    ]
    sending.campaign_start(campaign_id=made.pk, actor=None)
    leaves = readers[sending.CHECK_EVERY + 2]
    record = sending._mark_sent

    def withdraws_after_the_first_message(delivery_ids: list[int], claim: str) -> None:
        record(delivery_ids, claim)
        leaves.consents.update(withdrawn_at=timezone.now())

    monkeypatch.setattr(sending, "_mark_sent", withdraws_after_the_first_message)
    sending.campaign_send_batch(campaign_id=made.pk, batch_size=len(readers))

    sent_to = {rcpt for _, rcpts in smtp_server.envelopes for rcpt in rcpts}
    assert sent_to == {r.email for r in readers} - {leaves.email}
    assert Delivery.objects.get(subscriber=leaves).state == DeliveryState.SKIPPED


def test_the_consent_check_is_built_once_for_a_campaign_not_once_per_check(
    smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Building the re-check's query (topics, suppression, restrictions, objections) cost
    more than running it; it is built once per campaign and run every CHECK_EVERY messages."""
    made = campaign()
    for n in range(2 * sending.CHECK_EVERY + 1):
        confirmed_subscriber(f"reader{n:03}@example.net")
    sending.campaign_start(campaign_id=made.pk, actor=None)
    built = []
    eligible = sending.eligible_subscribers

    def counted(campaign: Campaign) -> object:
        built.append(campaign.pk)
        return eligible(campaign)

    monkeypatch.setattr(sending, "eligible_subscribers", counted)
    sending.campaign_send_batch(campaign_id=made.pk, batch_size=sending.CHECK_EVERY * 2)
    sending.campaign_send_batch(campaign_id=made.pk, batch_size=sending.CHECK_EVERY * 2)

    assert len(smtp_server.messages) == 2 * sending.CHECK_EVERY + 1
    assert built == [made.pk]


def test_a_paused_campaign_sends_nothing_until_resumed(
    officer: User, officer_client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    made = campaign()
    for n in range(3):
        confirmed_subscriber(f"reader{n}@example.net")
    sending.campaign_start(campaign_id=made.pk, actor=officer)
    officer_client.post(f"/staff/newsletter/{made.pk}/pause/")

    run_tasks()
    assert smtp_server.messages == []
    assert "Resume" in officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()

    officer_client.post(f"/staff/newsletter/{made.pk}/resume/")
    run_tasks()
    assert len(smtp_server.messages) == 3


@pytest.mark.parametrize(
    "when",
    [
        "2027-03-28 01:30",  # the clocks go forward at 01:00: this time never happens
        "2027-10-31 01:30",  # the clocks go back at 02:00: this time happens twice
    ],
)
def test_a_time_the_clock_change_skips_or_repeats_is_refused_in_plain_words(
    clock, officer: User, officer_client: Client, when: str
) -> None:
    clock.move_to(at_london(2027, 3, 1, 9, 0))
    sign_in(officer_client, officer)  # a session started at the new "now"
    made = campaign()

    response = officer_client.post(
        f"/staff/newsletter/{made.pk}/send/",
        {"when": "later", **moment_boxes("scheduled_for", when)},
    )

    assert "when the clocks change" in response.content.decode()
    made.refresh_from_db()
    assert made.state == CampaignState.DRAFT


def test_a_scheduled_campaign_is_started_when_due(
    clock,
    officer: User,
    officer_client: Client,
    smtp_server: Mailbox,
    run_tasks: Callable[[], None],
) -> None:
    # A fixed moment: an hour on from some moments (01:57 on the day the clocks go back) is a
    # wall-clock time that happens twice, which the form rightly refuses.
    clock.move_to(at_london(2027, 1, 19, 10, 0))
    sign_in(officer_client, officer)
    made = campaign()
    confirmed_subscriber("reader@example.net")
    when = timezone.now() + timedelta(hours=1)
    officer_client.post(
        f"/staff/newsletter/{made.pk}/send/",
        {"when": "later", **moment_boxes("scheduled_for", when), "confirmed": "yes"},
    )
    made.refresh_from_db()
    assert made.state == CampaignState.SCHEDULED

    run_tasks()  # the start task waits for its time
    assert smtp_server.messages == []
    assert start_scheduled_campaign.call(campaign_id=made.pk) is False
    assert start_or_resume_campaigns.call() == 0
    Campaign.objects.filter(pk=made.pk).update(scheduled_for=timezone.now())
    assert start_scheduled_campaign.call(campaign_id=made.pk) is True
    run_tasks()

    assert len(smtp_server.messages) == 1


def test_scheduling_in_the_past_is_refused_with_a_message(officer_client: Client) -> None:
    made = campaign()

    response = officer_client.post(
        f"/staff/newsletter/{made.pk}/send/",
        {"when": "later", **moment_boxes("scheduled_for", "2020-01-01 09:00")},
    )

    assert response.status_code == 400
    assert "The time must be in the future" in response.content.decode()
    made.refresh_from_db()
    assert made.state == CampaignState.DRAFT


class _WorkerDied(BaseException):
    """Stands for SIGKILL landing after the mail server accepted a message."""


def test_a_message_repeated_after_a_crash_carries_the_same_message_id(
    smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one window the claim design cannot close (see sending.py): the server accepted the
    message, the worker died before recording it, so the resume sends it again. The repeat
    is the same message by its Message-ID, and nothing else is repeated or skipped."""
    made = campaign()
    readers = [confirmed_subscriber(f"reader{n}@example.net") for n in range(3)]
    sending.campaign_start(campaign_id=made.pk, actor=None)
    victim = Delivery.objects.get(subscriber=readers[1])
    record = sending._mark_sent

    def dies_recording_the_victim(delivery_ids: list[int], claim: str) -> None:
        if victim.pk in delivery_ids:
            raise _WorkerDied
        record(delivery_ids, claim)

    monkeypatch.setattr(sending, "_mark_sent", dies_recording_the_victim)
    with pytest.raises(_WorkerDied):
        sending.campaign_send_batch(campaign_id=made.pk)
    # The victim is recorded on another thread while the next message's envelope and body
    # go out, but the server is never asked to take that next message before the record
    # lands: it has nothing after the victim, so only one message is ever unrecorded.
    assert [m["To"] for m in smtp_server.messages] == [readers[0].email, readers[1].email]
    monkeypatch.setattr(sending, "_mark_sent", record)
    # (A real kill leaves the row claimed until its lease runs out; here the worker's
    # ``finally`` hands it back at once. Either way the next batch sends it again.)
    sending.campaign_send_batch(campaign_id=made.pk)

    received = [(m["To"], m["Message-ID"]) for m in smtp_server.messages]
    assert sorted(to for to, _ in received) == sorted(
        [r.email for r in readers] + [readers[1].email]
    )
    assert len({message_id for _, message_id in received}) == 3
    first, again = [message_id for to, message_id in received if to == readers[1].email]
    assert first == again
    assert "reader" not in first  # nothing about the recipient in the id
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_the_campaign_list_costs_the_same_queries_for_one_campaign_or_many(
    officer_client: Client,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get("/staff/newsletter/").status_code == 200
        return len(captured)

    confirmed_subscriber("reader@example.net")
    sending.campaign_start(campaign_id=campaign().pk, actor=None)
    one = queries()
    for n in range(5):
        sending.campaign_start(campaign_id=campaign(subject=f"Issue {n}").pk, actor=None)

    assert queries() == one


@pytest.mark.parametrize("subject", ["Spring news\nBcc: everyone@example.org", "Spring\rnews"])
def test_a_subject_with_a_line_break_is_refused_with_a_message(
    officer_client: Client, subject: str
) -> None:
    response = officer_client.post(
        "/staff/newsletter/new/",
        {"subject": subject, "body_markdown": "Hello", "topics": [topic().pk]},
    )

    assert "The subject must be on one line" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_stored_subject_with_a_line_break_still_sends_on_one_line(
    officer_client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    made = campaign()
    Campaign.objects.filter(pk=made.pk).update(subject="Spring\nBcc: everyone@example.org")
    confirmed_subscriber("reader@example.net")

    officer_client.post(f"/staff/newsletter/{made.pk}/send/", {"when": "now", "confirmed": "yes"})
    run_tasks()

    [message] = smtp_server.messages
    assert message["Subject"] == "Spring Bcc: everyone@example.org"
    assert message["Bcc"] is None


def test_a_test_send_that_the_mail_server_refuses_says_so_instead_of_a_server_error(
    officer_client: Client, settings
) -> None:
    from tests.processes import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    made = campaign()

    response = officer_client.post(f"/staff/newsletter/{made.pk}/test/", follow=True)

    assert response.status_code == 200
    assert "The test message could not be sent" in response.content.decode()


def test_sending_asks_to_confirm_with_the_number_of_recipients_first(
    officer_client: Client, smtp_server: Mailbox, run_tasks: Callable[[], None]
) -> None:
    made = campaign(topics=["newsletter"])
    confirmed_subscriber("one@example.net", "newsletter")
    confirmed_subscriber("two@example.net", "newsletter")
    confirmed_subscriber("other@example.net", "events")
    assert (
        "it would go to 2 subscribers"
        in officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    )

    response = officer_client.post(f"/staff/newsletter/{made.pk}/send/", {"when": "now"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Send to 2 subscribers" in page
    assert '<input type="hidden" name="when" value="now">' in page
    made.refresh_from_db()
    assert made.state == CampaignState.DRAFT
    run_tasks()
    assert smtp_server.messages == []


def test_only_the_action_that_applies_is_offered_while_sending(
    officer: User, officer_client: Client
) -> None:
    made = campaign()
    confirmed_subscriber("reader@example.net")
    sending.campaign_start(campaign_id=made.pk, actor=officer)

    page = officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    assert ">Pause</button>" in page
    assert ">Resume</button>" not in page

    officer_client.post(f"/staff/newsletter/{made.pk}/pause/")
    page = officer_client.get(f"/staff/newsletter/{made.pk}/").content.decode()
    assert ">Pause</button>" not in page
    assert ">Resume</button>" in page


def test_with_a_rate_limit_each_accepted_message_is_recorded_before_the_wait(
    smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch, settings: object
) -> None:
    """Sending at a set rate, the worker waits between messages: the message the server took
    is recorded before that wait, not after it, so a worker killed while it waits repeats
    nothing (the crash window stays as short as the record)."""
    settings.NEWSLETTER_RATE_PER_SECOND = 1  # type: ignore[attr-defined]
    made = campaign()
    for n in range(4):
        confirmed_subscriber(f"reader{n}@example.net")
    sending.campaign_start(campaign_id=made.pk, actor=None)
    unrecorded_at_waits = []

    def sleep(seconds: float) -> None:  # and no wait: the test needs no real time
        accepted = len(smtp_server.messages)
        sent = Delivery.objects.filter(state=DeliveryState.SENT).count()
        unrecorded_at_waits.append(accepted - sent)

    monkeypatch.setattr("safeguarding.newsletter.sending.time.sleep", sleep)
    sending.campaign_send_batch(campaign_id=made.pk)

    assert len(smtp_server.messages) == 4
    assert unrecorded_at_waits
    assert set(unrecorded_at_waits) == {0}
