"""Reporting forms and their link: asked of a professional, answered through a single-use,
expiring link that stores nothing that opens it, saved and resumed, submitted once, and never
read back. A link that does not work changes nothing."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.http import Http404
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.models import AuditEntry
from safeguarding.cdop import reporting
from safeguarding.cdop.models import ChildDeath, FormKind, ReportingForm, Stage
from safeguarding.cdop.reporting import AlreadySubmitted, Answer, LinkGone, Professional
from safeguarding.core.links import BadLink, make_token
from safeguarding.inventory.subjects import SubjectKey
from safeguarding.workspaces.models import MembershipRole
from safeguarding.workspaces.services import membership_grant
from tests.cdop.reporting_helpers import ask, every_answer, link_for
from tests.cdop.test_inventory import found

pytestmark = pytest.mark.django_db


def _row(form: ReportingForm) -> tuple:
    fresh = ReportingForm.objects.get(pk=form.pk)
    return (
        fresh.nonce,
        fresh.answers,
        fresh.draft_saved_at,
        fresh.submitted_at,
        fresh.link_expires_at,
    )


def test_asking_for_a_form_sets_its_due_date_and_starts_information_gathering(
    case: ChildDeath, coordinator: User, settings
) -> None:
    form = ask(case, coordinator)

    assert form.due_on == timezone.localdate() + timedelta(
        days=settings.CDOP_REPORTING_FORM_DUE_DAYS
    )
    assert form.is_outstanding
    case.refresh_from_db()
    assert case.stage == Stage.INFORMATION_GATHERING
    entry = AuditEntry.objects.get(action="cdop.reporting_form.requested")
    assert entry.details == {
        "workspace": case.workspace_id,
        "case": case.pk,
        "kind": "reporting",
        "due_on": form.due_on.isoformat(),
    }


def test_the_same_form_cannot_be_asked_twice_of_one_address(
    case: ChildDeath, coordinator: User
) -> None:
    ask(case, coordinator)
    with pytest.raises(ValidationError) as refused:
        ask(case, coordinator, professional=Professional("Other", "Surgery", "GP@example.org"))
    assert "professional_email" in refused.value.message_dict
    ask(case, coordinator, kind=FormKind.SUDI)  # a supplementary form is another form


def test_an_outsider_cannot_ask_for_a_form(case: ChildDeath, make_user) -> None:
    with pytest.raises(Http404):
        ask(case, make_user())


def test_a_reviewer_cannot_ask_for_a_form(case: ChildDeath, coordinator: User, make_user) -> None:
    reviewer = make_user()
    membership_grant(
        workspace=case.workspace,
        user=reviewer,
        role=MembershipRole.REVIEWER,
        reason="Invented",
        actor=coordinator,
    )
    with pytest.raises(PermissionDenied):
        ask(case, reviewer)


def test_the_database_keeps_no_token_and_no_nonce(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    token = link_for(form)

    stored = ReportingForm.objects.get(pk=form.pk).nonce
    nonce = reporting._payload(token)[1]
    assert len(stored) == 64
    assert nonce not in stored
    assert token not in stored
    for entry in AuditEntry.objects.all():
        assert nonce not in json.dumps(entry.details)
        assert token not in json.dumps(entry.details)


def test_save_and_come_back_keeps_a_draft_and_the_link(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    token = link_for(form)

    reporting.reporting_form_save(
        token=token, answers={"involvement": Answer(text="Invented GP since birth")}, submit=False
    )

    again = reporting.form_from_link(token)
    assert again.draft_saved_at is not None
    assert again.submitted_at is None
    assert reporting.answers_of(again)["involvement"].text == "Invented GP since birth"
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM cdop_reportingform WHERE id = %s", [form.pk])
        assert "Invented GP" not in cursor.fetchone()[0]  # encrypted at rest


def test_submitting_needs_every_question_answered_or_not_known(
    case: ChildDeath, coordinator: User
) -> None:
    token = link_for(ask(case, coordinator))
    partial = every_answer()
    partial["events"] = Answer()

    with pytest.raises(ValidationError) as refused:
        reporting.reporting_form_save(token=token, answers=partial, submit=True)

    assert refused.value.message_dict == {"events": [reporting.ANSWER_OR_NOT_KNOWN]}
    partial["events"] = Answer(not_known=True)
    form = reporting.reporting_form_save(token=token, answers=partial, submit=True)
    assert reporting.answers_of(form)["events"] == Answer(text="", not_known=True)


def test_an_answer_and_not_known_together_is_refused(case: ChildDeath, coordinator: User) -> None:
    token = link_for(ask(case, coordinator))
    with pytest.raises(ValidationError) as refused:
        reporting.reporting_form_save(
            token=token, answers={"other": Answer(text="x", not_known=True)}, submit=False
        )
    assert refused.value.message_dict == {"other": [reporting.EITHER_NOT_BOTH]}


def test_a_submitted_form_spends_its_link_and_is_not_read_back(
    case: ChildDeath, coordinator: User
) -> None:
    form = ask(case, coordinator)
    token = link_for(form)
    reporting.reporting_form_save(token=token, answers=every_answer(), submit=True)
    before = _row(form)

    with pytest.raises(AlreadySubmitted):
        reporting.form_from_link(token)
    with pytest.raises(AlreadySubmitted):
        reporting.reporting_form_save(token=token, answers={}, submit=True)

    assert _row(form) == before
    assert before[0] == ""  # the digest is blanked
    assert AuditEntry.objects.filter(action="cdop.reporting_form.submitted").count() == 1


def test_a_new_email_replaces_the_old_link_and_keeps_the_draft(
    case: ChildDeath, coordinator: User
) -> None:
    form = ask(case, coordinator)
    old = link_for(form)
    reporting.reporting_form_save(token=old, answers={"other": Answer(text="Kept")}, submit=False)
    new = link_for(form)
    before = _row(form)

    with pytest.raises(LinkGone, match="replaced"):
        reporting.reporting_form_save(token=old, answers={}, submit=False)

    assert _row(form) == before
    assert reporting.answers_of(reporting.form_from_link(new))["other"].text == "Kept"


def test_the_link_expires(case: ChildDeath, coordinator: User, settings, clock) -> None:
    form = ask(case, coordinator)
    token = link_for(form)
    clock.move_to(timezone.now() + timedelta(days=settings.CDOP_REPORTING_LINK_DAYS, minutes=1))
    before = _row(form)

    with pytest.raises(LinkGone, match="expired"):
        reporting.reporting_form_save(token=token, answers=every_answer(), submit=True)

    assert _row(form) == before


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        make_token(purpose="cdop-reporting-form", payload={"form": 999999, "nonce": "x"}),
        make_token(purpose="staff-invitation", payload={"form": 1, "nonce": "x"}),
        make_token(purpose="cdop-reporting-form", payload={"form": "1", "nonce": ""}),
    ],
    ids=["garbled", "no-such-form", "another-purpose", "malformed"],
)
def test_a_wrong_link_is_refused(token: str) -> None:
    with pytest.raises(BadLink) as refused:
        reporting.form_from_link(token)
    assert not isinstance(refused.value, LinkGone | AlreadySubmitted)


def test_a_forged_nonce_for_a_real_form_opens_nothing(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    link_for(form)
    forged = make_token(purpose="cdop-reporting-form", payload={"form": form.pk, "nonce": "guess"})
    with pytest.raises(LinkGone):
        reporting.form_from_link(forged)


def test_no_link_works_before_the_email_is_written(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    guess = make_token(purpose="cdop-reporting-form", payload={"form": form.pk, "nonce": "x"})
    with pytest.raises(LinkGone):
        reporting.form_from_link(guess)


def test_withdrawing_stops_the_link_and_its_emails(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    token = link_for(form)

    reporting.reporting_form_withdraw(form=form, reason="Wrong professional", actor=coordinator)

    with pytest.raises(LinkGone, match="no longer needed"):
        reporting.form_from_link(token)
    assert reporting.reporting_link_issue(form_id=form.pk) is None
    with pytest.raises(ValidationError):
        reporting.reporting_form_resend(form=form, actor=coordinator)


def test_a_withdrawal_needs_a_reason(case: ChildDeath, coordinator: User) -> None:
    form = ask(case, coordinator)
    with pytest.raises(ValidationError):
        reporting.reporting_form_withdraw(form=form, reason=" ", actor=coordinator)


def test_the_professional_is_found_by_their_email_address_for_an_access_request(
    case: ChildDeath, coordinator: User
) -> None:
    form = ask(case, coordinator)

    assert found("cdop.ReportingForm", SubjectKey.for_email("GP@example.org")) == {form.pk}
    assert not found("cdop.ReportingForm", SubjectKey.for_email("other@example.org"))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_submissions_through_one_link_at_once_give_exactly_one(
    case: ChildDeath, coordinator: User
) -> None:
    form = ask(case, coordinator)
    token = link_for(form)
    attempts = 6
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def submit(n: int) -> None:
        try:
            start.wait()
            reporting.reporting_form_save(
                token=token, answers=every_answer(not_known=f"x{n}"), submit=True
            )
            outcomes.append("sent")
        except AlreadySubmitted:
            outcomes.append("refused")
        except BaseException as error:  # surfaced by the assertion below
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused"] * (attempts - 1) + ["sent"]
    assert AuditEntry.objects.filter(action="cdop.reporting_form.submitted").count() == 1
