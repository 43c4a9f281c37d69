"""Agency reporting forms: the secretariat asks each professional who knew the child for a
reporting form (and the supplementary forms the death calls for), and the professional answers
online through an emailed link, without an account.

The link. It carries a signed token (``core.links``) of the form's id and a random nonce. The
database keeps only a SHA-256 digest of the nonce (in ``ReportingForm.nonce``), so neither the
database, nor the task queue, nor the audit trail holds anything that opens the form. The nonce
is made by the email task when it writes the email (``reporting_link_issue``): every email
about a form (the request, a resend by the secretariat, an automatic reminder) carries a fresh
link, and the link in every earlier email stops working. The link works until the first of:

- the form is submitted (the digest is blanked under a row lock; two submissions at once are
  decided one after the other, and the second finds the link spent);
- a newer email about the form is written (a new nonce: an older link no longer matches);
- ``CDOP_REPORTING_LINK_DAYS`` pass after the email was written (``link_expires_at``);
- the request is withdrawn, or the case closes.

"Save and come back later" keeps the answers as a draft (encrypted) and leaves the link
working; "Submit" finishes the form. After submission the link shows that the form was sent
and never shows the answers again. A link that does not work changes nothing.

Reminders (``reporting_reminders_send``, the daily job ``cdop.reporting_form_reminders``) need
no stored token: each queues an email, and the email issues a fresh link as above. So a
reminder makes the older link stop working, and the saved draft is kept: the professional
carries on from the newest email. The first reminder goes ``CDOP_REMINDER_BEFORE_DAYS`` before
the due date, then one every ``CDOP_REMINDER_EVERY_DAYS`` while the form is outstanding (also
once it is overdue), at most ``CDOP_REMINDERS_MAX``; a form is reminded at most once a day
however often the job runs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.services import audit_log
from safeguarding.cdop.models import (
    STAGE_ORDER,
    ChildDeath,
    FormKind,
    ReportingForm,
    Stage,
    StageRecord,
)
from safeguarding.cdop.reporting_questions import questions_for
from safeguarding.cdop.services import record_stage, writable_case
from safeguarding.core import links
from safeguarding.core.crypto import lookup_hash
from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import deliver_email, email_task, enqueue_in_transaction

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

LINK_PURPOSE = "cdop-reporting-form"

NOT_VALID = "This link is not valid. Check you copied all of it from the email we sent you."
REPLACED = (
    "This link has been replaced by a newer one. Use the link in the most recent email we "
    "sent you about this form: any answers you saved are kept."
)
EXPIRED = (
    "This link has expired. Contact the child death review team, who can send you a new one: "
    "any answers you saved are kept."
)
WITHDRAWN = "This reporting form is no longer needed, so the link no longer works."
NOT_OUTSTANDING = "This form has been sent or withdrawn, so it cannot be changed."
EITHER_NOT_BOTH = "Give an answer or tick “Not known”, not both"
ANSWER_OR_NOT_KNOWN = "Answer the question, or tick “Not known”"


class LinkGone(links.BadLink):
    """The link was real but no longer works: replaced, expired or withdrawn."""


class AlreadySubmitted(links.BadLink):
    """The form was submitted: its link shows that, and never the answers."""


def link_valid_for() -> timedelta:
    return timedelta(days=settings.CDOP_REPORTING_LINK_DAYS)


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _email_hash(email: str) -> str:
    return lookup_hash("text", email.strip().lower()) if email.strip() else ""


def _details(form: ReportingForm, **more: Any) -> dict[str, Any]:
    """Audit details: ids and codes only (the workspace, for "who has seen")."""
    return {"workspace": form.case.workspace_id, "case": form.case_id, "kind": form.kind, **more}


# --- Answers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    text: str = ""
    not_known: bool = False

    @property
    def given(self) -> bool:
        return bool(self.text.strip()) or self.not_known


def answers_of(form: ReportingForm) -> dict[str, Answer]:
    """The saved answers (a draft or the submitted form), by question key."""
    if not form.answers:
        return {}
    stored = json.loads(form.answers)
    return {
        key: Answer(text=str(value.get("text", "")), not_known=bool(value.get("not_known")))
        for key, value in stored.items()
    }


def answer_problems(kind: str, answers: dict[str, Answer], *, submitting: bool) -> dict[str, str]:
    """Field-keyed problems: an answer and "Not known" together; on submitting, a question
    with neither."""
    problems: dict[str, str] = {}
    for question in questions_for(kind):
        answer = answers.get(question.key, Answer())
        if answer.text.strip() and answer.not_known:
            problems[question.key] = EITHER_NOT_BOTH
        elif submitting and not answer.given:
            problems[question.key] = ANSWER_OR_NOT_KNOWN
    return problems


def _answers_json(kind: str, answers: dict[str, Answer]) -> str:
    keys = [question.key for question in questions_for(kind)]
    return json.dumps(
        {
            key: {"text": answers[key].text.strip(), "not_known": answers[key].not_known}
            for key in keys
            if key in answers
        },
        sort_keys=True,
    )


# --- The secretariat's side ----------------------------------------------------------------------


@dataclass(frozen=True)
class Professional:
    """Someone who knew the child, and their organisation."""

    name: str
    agency: str
    email: str


def _professional_problems(professional: Professional, kind: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not professional.name.strip():
        problems["professional_name"] = "Enter the professional's name"
    if not professional.agency.strip():
        problems["agency"] = "Enter their organisation"
    email = professional.email.strip()
    if not email:
        problems["professional_email"] = "Enter their email address"
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems["professional_email"] = (
                "Enter an email address in the correct format, like name@example.com"
            )
    if kind not in FormKind.values:
        problems["kind"] = "Select the form to ask for"
    return problems


def reporting_form_request(
    *, case: ChildDeath, kind: str, professional: Professional, actor: User
) -> ReportingForm:
    """Ask ``professional`` for a form of ``kind`` about the case's child: the form is due
    ``CDOP_REPORTING_FORM_DUE_DAYS`` from today, and they are emailed a link. The first form
    asked for moves the case on to gathering information. Refused for the same form asked of
    the same address while it is still outstanding."""
    problems = _professional_problems(professional, kind)
    if problems:
        raise ValidationError(problems)
    email = professional.email.strip().lower()
    now = timezone.now()
    with transaction.atomic(durable=True):
        case = writable_case(case, actor)
        if ReportingForm.objects.filter(
            case=case,
            kind=kind,
            email_lookup=_email_hash(email),
            submitted_at__isnull=True,
            withdrawn_at__isnull=True,
        ).exists():
            raise ValidationError(
                {"professional_email": "This form has already been asked of this address"}
            )
        form = ReportingForm(
            case=case,
            kind=kind,
            agency=professional.agency.strip(),
            professional_name=professional.name.strip(),
            professional_email=email,
            email_lookup=_email_hash(email),
            requested_at=now,
            requested_by=actor,
            due_on=timezone.localdate(now) + timedelta(days=settings.CDOP_REPORTING_FORM_DUE_DAYS),
            nonce="",  # the email task issues the link
            link_expires_at=now + link_valid_for(),
        )
        form.full_clean()
        form.save()
        _gathering_information(case, actor=actor, on=timezone.localdate(now))
        audit_log(
            action="cdop.reporting_form.requested",
            actor=actor,
            target=form,
            details=_details(form, due_on=form.due_on.isoformat()),
        )
        enqueue_in_transaction(send_reporting_form_email, form_id=form.pk, why="request")
    return form


def _gathering_information(case: ChildDeath, *, actor: User, on: date) -> None:
    """The day information gathering began is the day the first form was asked for."""
    if StageRecord.objects.filter(case=case, stage=Stage.INFORMATION_GATHERING).exists():
        return
    if STAGE_ORDER.index(Stage(case.stage)) <= STAGE_ORDER.index(Stage.INFORMATION_GATHERING):
        record_stage(case, Stage.INFORMATION_GATHERING, on=on, actor=actor)


def _outstanding_for_writer(form: ReportingForm, actor: User) -> ReportingForm:
    """The form, locked, after its case (Http404 for an outsider; a closed case refused)."""
    writable_case(form.case, actor)
    form = ReportingForm.objects.select_for_update().select_related("case").get(pk=form.pk)
    if not form.is_outstanding:
        raise ValidationError(NOT_OUTSTANDING)
    return form


def reporting_form_resend(*, form: ReportingForm, actor: User) -> ReportingForm:
    """Email the professional again, with a new link (the older ones stop working)."""
    with transaction.atomic(durable=True):
        form = _outstanding_for_writer(form, actor)
        audit_log(
            action="cdop.reporting_form.resent", actor=actor, target=form, details=_details(form)
        )
        enqueue_in_transaction(send_reporting_form_email, form_id=form.pk, why="resend")
    return form


def reporting_form_withdraw(*, form: ReportingForm, reason: str, actor: User) -> ReportingForm:
    """The form is no longer needed: its link stops working, and it is not reminded."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the form is no longer needed"})
    with transaction.atomic(durable=True):
        form = _outstanding_for_writer(form, actor)
        form.withdrawn_at = timezone.now()
        form.nonce = ""
        form.save(update_fields=["withdrawn_at", "nonce"])
        audit_log(
            action="cdop.reporting_form.withdrawn",
            actor=actor,
            target=form,
            reason=reason,
            details=_details(form),
        )
    return form


# --- The link ------------------------------------------------------------------------------------


def reporting_link_issue(*, form_id: int, now: datetime | None = None) -> str | None:
    """A fresh link token for an outstanding form, valid for ``CDOP_REPORTING_LINK_DAYS``;
    every earlier link stops working. None for a form submitted, withdrawn or gone. Called by
    the email task as it writes the email, so the token exists only in that email."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        form = (
            ReportingForm.objects.select_for_update()
            .select_related("case")
            .filter(pk=form_id)
            .first()
        )
        if form is None or not form.is_outstanding or form.case.is_closed:
            return None
        nonce = secrets.token_urlsafe(24)
        form.nonce = _digest(nonce)
        form.link_expires_at = now + link_valid_for()
        form.save(update_fields=["nonce", "link_expires_at"])
        audit_log(
            action="cdop.reporting_form.link_issued",
            actor=None,
            target=form,
            details=_details(form, expires_on=timezone.localdate(form.link_expires_at).isoformat()),
        )
    return links.make_token(purpose=LINK_PURPOSE, payload={"form": form.pk, "nonce": nonce})


def reporting_form_url(token: str) -> str:
    return absolute_url(reverse("cdop:reporting_form_answer", args=[token]))


def _payload(token: str) -> tuple[int, str]:
    payload = links.read_token(
        token, purpose=LINK_PURPOSE, max_age=link_valid_for() + timedelta(days=1)
    )
    form_id, nonce = payload.get("form"), payload.get("nonce")
    if not isinstance(form_id, int) or not isinstance(nonce, str) or not nonce:
        raise links.BadLink(NOT_VALID)
    return form_id, nonce


def _check(form: ReportingForm | None, nonce: str, now: datetime) -> ReportingForm:
    if form is None:
        raise links.BadLink(NOT_VALID)
    if form.submitted_at is not None:
        raise AlreadySubmitted("This form has already been sent.")
    if form.withdrawn_at is not None or form.case.is_closed:
        raise LinkGone(WITHDRAWN)
    if not form.nonce or not hmac.compare_digest(form.nonce, _digest(nonce)):
        raise LinkGone(REPLACED)
    if form.link_expires_at <= now:
        raise LinkGone(EXPIRED)
    return form


def form_from_link(token: str, *, now: datetime | None = None) -> ReportingForm:
    """The outstanding form a link opens; raises ``links.BadLink`` (``AlreadySubmitted`` and
    ``LinkGone`` are kinds of it) with a message to show."""
    form_id, nonce = _payload(token)
    found = ReportingForm.objects.select_related("case").filter(pk=form_id).first()
    return _check(found, nonce, now or timezone.now())


def reporting_form_save(
    *, token: str, answers: dict[str, Answer], submit: bool, now: datetime | None = None
) -> ReportingForm:
    """The professional saves their answers as a draft, or (``submit``) sends the form: then
    every question needs an answer or "Not known", and the link is spent. A link that does
    not work raises ``links.BadLink`` and changes nothing."""
    now = now or timezone.now()
    form_id, nonce = _payload(token)
    with transaction.atomic(durable=True):
        locked = (
            ReportingForm.objects.select_for_update()
            .select_related("case")
            .filter(pk=form_id)
            .first()
        )
        form = _check(locked, nonce, now)
        problems = answer_problems(form.kind, answers, submitting=submit)
        if problems:
            raise ValidationError(problems)
        form.answers = _answers_json(form.kind, answers)
        fields = ["answers"]
        if submit:
            form.submitted_at = now
            form.nonce = ""
            fields += ["submitted_at", "nonce"]
        else:
            form.draft_saved_at = now
            fields.append("draft_saved_at")
        form.save(update_fields=fields)
        audit_log(
            action="cdop.reporting_form.submitted" if submit else "cdop.reporting_form.saved",
            actor=None,
            target=form,
            details=_details(form, late=submit and timezone.localdate(now) > form.due_on),
        )
    return form


# --- Reminders -----------------------------------------------------------------------------------


def reminder_due(form: ReportingForm, today: date) -> bool:
    """Whether ``form`` should be reminded on ``today`` (see the module's text)."""
    if not form.is_outstanding or form.reminders_sent >= settings.CDOP_REMINDERS_MAX:
        return False
    if today < form.due_on - timedelta(days=settings.CDOP_REMINDER_BEFORE_DAYS):
        return False
    if form.last_reminded_at is None:
        return True
    last = timezone.localdate(form.last_reminded_at)
    return (today - last).days >= settings.CDOP_REMINDER_EVERY_DAYS


def reporting_reminders_send(*, now: datetime | None = None) -> int:
    """Queue today's reminders for outstanding forms of open cases; returns how many. Each
    form is decided again under its row lock, so running twice in a day reminds no one
    twice."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    latest_first_day = today + timedelta(days=settings.CDOP_REMINDER_BEFORE_DAYS)
    candidates = ReportingForm.objects.filter(
        submitted_at__isnull=True,
        withdrawn_at__isnull=True,
        case__closed_at__isnull=True,
        due_on__lte=latest_first_day,
        reminders_sent__lt=settings.CDOP_REMINDERS_MAX,
    ).values_list("pk", flat=True)
    reminded = 0
    for form_id in list(candidates):
        with transaction.atomic(durable=True):
            form = ReportingForm.objects.select_for_update().select_related("case").get(pk=form_id)
            if not reminder_due(form, today):
                continue
            form.reminders_sent += 1
            form.last_reminded_at = now
            form.save(update_fields=["reminders_sent", "last_reminded_at"])
            audit_log(
                action="cdop.reporting_form.reminded",
                actor=None,
                target=form,
                details=_details(form, reminder=form.reminders_sent, overdue=form.due_on < today),
            )
            enqueue_in_transaction(send_reporting_form_email, form_id=form.pk, why="reminder")
        reminded += 1
    return reminded


# --- The email -----------------------------------------------------------------------------------

EMAIL_KINDS = ("request", "resend", "reminder")


def form_in_words(kind: str) -> str:
    """ "a reporting form", or "a supplementary reporting form (road traffic collision or
    trauma)", for a sentence."""
    if kind == FormKind.REPORTING:
        return "a reporting form"
    label = str(FormKind(kind).label).removeprefix("Supplementary: ")
    return f"a supplementary reporting form ({label})"


@email_task("A child death reporting form, to an agency")
def send_reporting_form_email(*, form_id: int, why: str) -> int:
    """Write the email about a form with a fresh link, made now (so no live link waits in the
    task table). Nothing is sent for a form submitted, withdrawn or gone meanwhile. The email
    names no child: the case's reference, and the page behind the link, say which."""
    if why not in EMAIL_KINDS:
        return 0
    token = reporting_link_issue(form_id=form_id)
    if token is None:
        return 0
    form = ReportingForm.objects.select_related("case").get(pk=form_id)
    context = {
        "form": form,
        "why": why,
        "kind": form_in_words(form.kind),
        "reference": form.case.reference,
        "link": reporting_form_url(token),
        "expires_at": timezone.localtime(form.link_expires_at),
        "overdue": form.due_on < timezone.localdate(),
        "partnership": settings.PARTNERSHIP,
    }
    return deliver_email(
        subject=render_to_string("email/cdop/reporting_form_subject.txt", context),
        body=render_to_string("email/cdop/reporting_form.txt", context),
        to=[form.professional_email],
    )
