from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django_tasks_db.models import DBTaskResult

from safeguarding.audit.models import AuditEntry
from safeguarding.core.tasks import enqueue_in_transaction, send_email
from safeguarding.public.models import Enquiry
from tests.public.test_contact import VALID


@pytest.mark.django_db(transaction=True)
def test_a_task_is_written_in_the_transaction_that_enqueues_it() -> None:
    with transaction.atomic():
        enqueue_in_transaction(send_email, subject="s", body="b", to=["a@example.org"])
        assert DBTaskResult.objects.count() == 1  # in this transaction, not yet committed

    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_when_the_transaction_rolls_back() -> None:
    def change_then_fail() -> None:
        with transaction.atomic():
            enqueue_in_transaction(send_email, subject="s", body="b", to=["a@example.org"])
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        change_then_fail()

    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_the_email(run_tasks, mailoutbox) -> None:
    enqueue_in_transaction(
        send_email, subject="Hello", body="Plain", html_body="<p>Rich</p>", to=["a@example.org"]
    )
    run_tasks()

    assert [message.subject for message in mailoutbox] == ["Hello"]
    assert mailoutbox[0].alternatives[0][1] == "text/html"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_when_the_queue_write_fails_the_enquiry_is_not_saved_either(client: Client) -> None:
    """Nothing committed loses its email: a failing queue write takes the record with it, so
    the visitor's error page never stands for a record that was saved without its email."""
    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_tasks() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'the queue is unavailable'; END $$"
        )
        cursor.execute(
            f"CREATE TRIGGER test_refuse_tasks BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_tasks()"
        )
    try:
        client.raise_request_exception = False
        response = client.post("/contact/", VALID)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TRIGGER test_refuse_tasks ON {table}")
            cursor.execute("DROP FUNCTION test_refuse_tasks()")

    assert response.status_code == 500
    assert not Enquiry.objects.exists()
    assert not AuditEntry.objects.filter(action="public.enquiry.received").exists()
    assert not DBTaskResult.objects.exists()

    assert client.post("/contact/", VALID).status_code == 302  # and works again after
    assert Enquiry.objects.count() == DBTaskResult.objects.count() == 1
