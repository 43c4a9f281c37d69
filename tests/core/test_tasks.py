from __future__ import annotations

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from safeguarding.core.tasks import enqueue_on_commit, send_email


@pytest.mark.django_db(transaction=True)
def test_a_task_is_enqueued_only_when_the_transaction_commits() -> None:
    with transaction.atomic():
        enqueue_on_commit(send_email, subject="s", body="b", to=["a@example.org"])
        assert DBTaskResult.objects.count() == 0

    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back() -> None:
    def change_then_fail() -> None:
        with transaction.atomic():
            enqueue_on_commit(send_email, subject="s", body="b", to=["a@example.org"])
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_email(run_tasks, mailoutbox) -> None:
    enqueue_on_commit(
        send_email, subject="Hello", body="Plain", html_body="<p>Rich</p>", to=["a@example.org"]
    )
    run_tasks()

    assert [message.subject for message in mailoutbox] == ["Hello"]
    assert mailoutbox[0].alternatives[0][1] == "text/html"
