"""The reporting-form pages: the secretariat's list, asking, sending again, withdrawing and
reading a returned form (members only: an outsider, an administrator too, gets 404); and the
agency's page behind its emailed link, with "Save and come back later", "Submit", the page a
spent link shows, and the page a wrong link shows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.accounts.roles import Role
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import reporting
from safeguarding.cdop.models import ChildDeath, FormKind, ReportingForm
from safeguarding.core.links import make_token
from safeguarding.workspaces.models import MembershipRole, ReadLog
from safeguarding.workspaces.services import membership_grant
from tests.cdop.reporting_helpers import ask, every_answer, link_for, path_of, posted_answers
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _join(case: ChildDeath, user: User, role: MembershipRole, lead: User) -> None:
    membership_grant(workspace=case.workspace, user=user, role=role, reason="Invented", actor=lead)


# --- The secretariat -------------------------------------------------------------------------


def test_the_secretariat_asks_for_a_form_through_the_page(
    case: ChildDeath, coordinator: User
) -> None:
    client = client_for(coordinator)
    url = reverse("cdop:reporting_form_request", args=[case.pk])
    data = {
        "professional_name": "Invented Teacher",
        "agency": "Invented School",
        "professional_email": "teacher@example.org",
        "kind": FormKind.SUICIDE.value,
    }

    response = client.post(url, data)

    assert response.status_code == 302
    assert response["Location"] == reverse("cdop:reporting_forms", args=[case.pk])
    form = ReportingForm.objects.get()
    assert (form.kind, form.agency, form.professional_email) == (
        "suicide",
        "Invented School",
        "teacher@example.org",
    )
    page = client.get(response["Location"])
    assert "Invented Teacher" in page.text
    assert "Waiting" in page.text
    assert page["Cache-Control"] == "no-store"


def test_a_refused_request_answers_400_with_the_error_summary(
    case: ChildDeath, coordinator: User
) -> None:
    client = client_for(coordinator)
    response = client.post(
        reverse("cdop:reporting_form_request", args=[case.pk]),
        {"professional_email": "not an address"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert "Enter the professional" in response.text
    assert not ReportingForm.objects.exists()


def test_the_list_shows_who_has_and_has_not_returned(
    case: ChildDeath, coordinator: User, clock
) -> None:
    returned = ask(case, coordinator)
    reporting.reporting_form_save(token=link_for(returned), answers=every_answer(), submit=True)
    waiting = ask(case, coordinator, kind=FormKind.SUDI)

    page = client_for(coordinator).get(reverse("cdop:reporting_forms", args=[case.pk])).text

    assert "1 returned" in page
    assert "1 outstanding" in page
    assert reverse("cdop:reporting_form_answers", args=[case.pk, returned.pk]) in page
    assert reverse("cdop:reporting_form_resend", args=[case.pk, waiting.pk]) in page
    assert ReadLog.objects.filter(purpose="list reporting forms").count() == 2


def test_overdue_forms_are_shown_as_overdue(
    case: ChildDeath, coordinator: User, clock, settings
) -> None:
    ask(case, coordinator)
    clock.move_to(timezone.now() + timedelta(days=settings.CDOP_REPORTING_FORM_DUE_DAYS + 1))

    page = client_for(coordinator).get(reverse("cdop:reporting_forms", args=[case.pk])).text

    assert "Overdue" in page
    assert "1 overdue" in page


def test_reading_a_returned_form_shows_its_answers_and_is_logged(
    case: ChildDeath, coordinator: User, make_user
) -> None:
    form = ask(case, coordinator)
    reporting.reporting_form_save(
        token=link_for(form), answers=every_answer(not_known="events"), submit=True
    )
    reviewer = make_user()
    _join(case, reviewer, MembershipRole.REVIEWER, coordinator)

    response = client_for(reviewer).get(
        reverse("cdop:reporting_form_answers", args=[case.pk, form.pk])
    )

    assert response.status_code == 200
    assert "Invented answer to involvement" in response.text
    assert "Not known" in response.text
    assert response["Cache-Control"] == "no-store"
    assert ReadLog.objects.filter(user=reviewer, purpose="read a reporting form").exists()


def test_a_form_not_yet_returned_has_no_answers_to_read(
    case: ChildDeath, coordinator: User
) -> None:
    form = ask(case, coordinator)
    reporting.reporting_form_save(token=link_for(form), answers=every_answer(), submit=False)
    response = client_for(coordinator).get(
        reverse("cdop:reporting_form_answers", args=[case.pk, form.pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.PARTNERSHIP_ADMINISTRATOR, Role.CDOP_COORDINATOR])
def test_outsiders_get_404_everywhere(
    case: ChildDeath, coordinator: User, make_user, role: Role
) -> None:
    form = ask(case, coordinator)
    reporting.reporting_form_save(token=link_for(form), answers=every_answer(), submit=True)
    client = client_for(make_user(role))

    for name, args in [
        ("cdop:reporting_forms", [case.pk]),
        ("cdop:reporting_form_request", [case.pk]),
        ("cdop:reporting_form_answers", [case.pk, form.pk]),
        ("cdop:reporting_form_withdraw", [case.pk, form.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404
    resend = reverse("cdop:reporting_form_resend", args=[case.pk, form.pk])
    assert client.post(resend).status_code == 404


def test_a_form_of_another_case_is_404(case: ChildDeath, make_case, coordinator: User) -> None:
    other = make_case(nhs_number="")
    form = ask(other, coordinator)
    response = client_for(coordinator).get(
        reverse("cdop:reporting_form_withdraw", args=[case.pk, form.pk])
    )
    assert response.status_code == 404


def test_a_reviewer_reads_but_cannot_ask_resend_or_withdraw(
    case: ChildDeath, coordinator: User, make_user
) -> None:
    form = ask(case, coordinator)
    reviewer = make_user()
    _join(case, reviewer, MembershipRole.REVIEWER, coordinator)
    client = client_for(reviewer)

    assert client.get(reverse("cdop:reporting_forms", args=[case.pk])).status_code == 200
    assert client.get(reverse("cdop:reporting_form_request", args=[case.pk])).status_code == 403
    resend = reverse("cdop:reporting_form_resend", args=[case.pk, form.pk])
    assert client.post(resend).status_code == 403
    withdraw = reverse("cdop:reporting_form_withdraw", args=[case.pk, form.pk])
    assert client.post(withdraw, {"reason": "x"}).status_code == 403
    assert ReportingForm.objects.get().is_outstanding


def test_withdrawing_through_the_page(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    client = client_for(coordinator)
    url = reverse("cdop:reporting_form_withdraw", args=[case.pk, form.pk])

    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Asked the wrong surgery"}).status_code == 302

    assert ReportingForm.objects.get().withdrawn_at is not None


def test_sending_again_is_post_only(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    url = reverse("cdop:reporting_form_resend", args=[case.pk, form.pk])
    client = client_for(coordinator)

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert AuditEntry.objects.filter(action="cdop.reporting_form.resent").count() == 1


# --- The agency, through its link ----------------------------------------------------------------


def test_the_agency_saves_comes_back_and_submits(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    url = path_of(link_for(form))
    agency = Client()

    page = agency.get(url)
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "Invented Child" in page.text  # the page says which child

    saved = agency.post(
        url, {"action": "save", "involvement": "Invented: GP since birth"}, follow=True
    )
    assert saved.redirect_chain == [(url, 302)]
    assert "Your answers are saved" in saved.text
    assert "Invented: GP since birth" in saved.text  # the draft comes back

    refused = agency.post(url, {"action": "submit", "involvement": "Invented: GP since birth"})
    assert refused.status_code == 400
    assert "There is a problem" in refused.text
    assert ReportingForm.objects.get().submitted_at is None

    sent = agency.post(url, posted_answers(action="submit", events_not_known="on", events=""))
    assert sent.status_code == 302
    assert sent["Location"] == reverse("cdop:reporting_form_sent")
    answers = reporting.answers_of(ReportingForm.objects.get())
    assert answers["events"].not_known
    assert answers["involvement"].text == "Invented answer to involvement"


def test_a_spent_link_says_the_form_was_sent_and_shows_nothing(
    case: ChildDeath, coordinator: User
) -> None:
    form = ask(case, coordinator)
    url = path_of(link_for(form))
    agency = Client()
    agency.post(url, posted_answers(action="submit"))
    before = list(ReportingForm.objects.values_list("answers", "submitted_at"))

    again = agency.get(url)
    resubmit = agency.post(url, posted_answers(action="submit", involvement="Changed"))

    assert again.status_code == 410
    assert "already been sent" in again.text
    assert "Invented answer" not in again.text
    assert "Invented Child" not in again.text
    assert resubmit.status_code == 410
    assert list(ReportingForm.objects.values_list("answers", "submitted_at")) == before


@pytest.mark.parametrize("bad", ["garbled-token", "forged"])
def test_a_wrong_link_gets_a_clear_page_and_changes_nothing(
    case: ChildDeath, coordinator: User, bad: str
) -> None:
    form = ask(case, coordinator)
    link_for(form)
    token = (
        make_token(purpose="cdop-reporting-form", payload={"form": form.pk, "nonce": "guess"})
        if bad == "forged"
        else bad
    )
    before = AuditEntry.objects.count()

    response = Client().post(path_of(token), posted_answers(action="submit"))

    assert response.status_code in (404, 410)
    assert "This link does not work" in response.text
    assert ReportingForm.objects.get().answers == ""
    assert AuditEntry.objects.count() == before


def test_a_replaced_link_says_to_use_the_newest_email(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    old = path_of(link_for(form))
    link_for(form)

    response = Client().get(old)

    assert response.status_code == 410
    assert "replaced by a newer one" in response.text


# --- The whole journey, through real email ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_emailed_link_opens_the_form_and_the_email_names_no_child(
    case: ChildDeath, coordinator: User, smtp_server, run_tasks
) -> None:
    ask(case, coordinator)
    run_tasks()

    (message,) = smtp_server.to("gp@example.org")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert case.reference in body
    assert "Invented Child" not in body
    assert "Invented Child" not in message["Subject"]
    link = re.search(r"http\S+/child-death-review/reporting-form/\S+/", body)
    assert link is not None
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    assert Client().get(f"/{path}").status_code == 200
