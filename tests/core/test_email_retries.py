"""A failed email is never silent: the worker tries again with backoff, then gives up and an
administrator sees it, with the reason in plain words and nothing about who it was for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from safeguarding.accounts.models import User
from safeguarding.core.models import FailedEmail
from safeguarding.core.tasks import EMAIL_RETRY_AFTER, enqueue_in_transaction, send_email
from tests.conftest import sign_in
from tests.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def mail_server_down(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 2


@pytest.mark.django_db(transaction=True)  # the worker closes the connection when it stops
def test_a_failing_email_is_tried_again_later_then_given_up_and_listed(
    clock, mail_server_down: None, run_tasks: Callable[[], None]
) -> None:
    clock_start = timezone.now()
    clock.move_to(clock_start)
    enqueue_in_transaction(send_email, subject="Anchor", body="Head 42", to=["a@example.org"])

    for wait in (timedelta(0), *EMAIL_RETRY_AFTER):
        clock.shift(wait + timedelta(seconds=1))
        run_tasks()

    statuses = list(DBTaskResult.objects.order_by("enqueued_at").values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL"] * len(EMAIL_RETRY_AFTER) + ["FAILED"]
    failure = FailedEmail.objects.get()
    assert failure.attempts == len(EMAIL_RETRY_AFTER) + 1
    assert failure.reason == "ConnectionRefusedError"
    assert failure.failed_at > clock_start


@pytest.mark.django_db(transaction=True)
def test_a_retry_waits_its_turn(clock, mail_server_down: None, run_tasks) -> None:
    enqueue_in_transaction(send_email, subject="Anchor", body="Head 42", to=["a@example.org"])
    run_tasks()

    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    run_tasks()  # not yet: it waits a minute
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert not FailedEmail.objects.exists()


def test_administrators_see_failed_emails_in_plain_words_without_who_or_what(
    client: Client, administrator: User
) -> None:
    FailedEmail.objects.create(
        task="safeguarding.accounts.tasks.send_password_reset",
        description="A password reset link",
        reason="SMTPRecipientsRefused",
        attempts=4,
    )
    sign_in(client, administrator)

    page = client.get(reverse("accounts:failed_emails")).content.decode()

    assert "A password reset link" in page
    assert "The mail server refused the address" in page
    assert "SMTPRecipientsRefused" not in page
    assert (
        "Emails that could not be sent"
        in client.get(reverse("accounts:dashboard")).content.decode()
    )
