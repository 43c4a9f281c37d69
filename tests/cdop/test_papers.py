"""A panel meeting's papers pack: built from the agenda of the cases the person is a member
of, each case's summary, analysis so far and forms returned, marked OFFICIAL-SENSITIVE on
every page, anonymised, audited, not stored; nothing for anyone with no case on it."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import papers, services
from safeguarding.cdop.models import Category
from tests.cdop.access_cdop_reports import (
    COMPLETE,
    add_forms,
    add_member,
    meeting_with,
    ready_case,
)
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def pages_of(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_the_papers_hold_each_case_the_member_may_see(client: Client) -> None:
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    first = ready_case(coordinator)
    second = ready_case(coordinator)
    services.analysis_save(case=first, data=COMPLETE, actor=coordinator)
    add_forms(first, requested=4, returned=1)
    meeting = meeting_with(first, second)
    sign_in(client, coordinator)

    response = client.get(reverse("cdop:staff_meeting_papers", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith("attachment;")
    pages = pages_of(response.content)
    assert all(papers.MARKING in page for page in pages)
    text = "\n".join(pages)
    assert first.reference in text
    assert second.reference in text
    assert "1 of 4 requested" in text
    assert "0 of 0 requested" in text
    assert "Invented summary of the death." in text
    assert Category("9").label in text
    assert "In progress" in text  # the analysis so far, not completed
    assert "Not started." in text  # the second case has none yet
    assert "Invented Child" not in text  # anonymised
    entry = AuditEntry.objects.get(action="cdop.papers.made")
    assert entry.details == {"cases": [first.pk, second.pk]}


def test_a_member_of_one_case_gets_only_that_case(client: Client) -> None:
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    panel_member = UserFactory()
    first = ready_case(coordinator)
    second = ready_case(coordinator)
    add_member(second, panel_member, "reviewer")
    meeting = meeting_with(first, second)
    sign_in(client, panel_member)

    response = client.get(reverse("cdop:staff_meeting_papers", args=[meeting.pk]))

    text = "\n".join(pages_of(response.content))
    assert second.reference in text
    assert first.reference not in text


def test_someone_with_no_case_on_the_agenda_gets_nothing(client: Client) -> None:
    meeting = meeting_with(ready_case())
    sign_in(client, UserFactory(roles=[str(Role.PARTNERSHIP_ADMINISTRATOR)]))

    response = client.get(reverse("cdop:staff_meeting_papers", args=[meeting.pk]))

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="cdop.papers.made").exists()


def test_the_papers_take_a_fixed_number_of_queries() -> None:
    coordinator = UserFactory(roles=[str(Role.CDOP_COORDINATOR)])
    cases = [ready_case(coordinator) for _ in range(2)]
    for case in cases:
        services.analysis_save(case=case, data=COMPLETE, actor=coordinator)
        add_forms(case, requested=2, returned=1)
    meeting = meeting_with(*cases)
    with CaptureQueriesContext(connection) as few:
        papers.papers_for(meeting, user=coordinator)
    more = [ready_case(coordinator) for _ in range(6)]
    meeting = meeting_with(*more)
    for case in more:
        services.analysis_save(case=case, data=COMPLETE, actor=coordinator)
    with CaptureQueriesContext(connection) as many:
        papers.papers_for(meeting, user=coordinator)

    assert len(many.captured_queries) == len(few.captured_queries)
