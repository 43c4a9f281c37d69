"""Task arguments hold ids, not email bodies: after every public journey that sends an email,
no queued task carries a link, an address or anything the person typed. A task row outlives
the request and is read by anyone who can read the queue."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.newsletter.test_sign_up import sign_up
from tests.privacy.test_rights_public import FORM as RIGHTS_FORM
from tests.public.test_contact import VALID as CONTACT_FORM
from tests.training.factories import SessionFactory, booking_data

pytestmark = pytest.mark.django_db

TELLTALES = ("://", "@", "/your-data/", "/newsletter/", "/staff/", "Invented Person", "neglect")


def _journeys(client: Client) -> None:
    client.post(reverse("your_data:request"), RIGHTS_FORM)
    sign_up(client)
    client.post("/contact/", CONTACT_FORM)
    client.post(reverse("training:book", args=[SessionFactory().pk]), booking_data())
    client.post(reverse("security_questions:request"), {"email": "someone@example.org"})


def test_no_queued_task_carries_a_link_an_address_or_what_someone_typed(client: Client) -> None:
    _journeys(client)

    queued = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert len(queued) >= 5
    for task_path, arguments in queued:
        for telltale in TELLTALES:
            assert telltale not in str(arguments), f"{task_path} carries {telltale!r}"
