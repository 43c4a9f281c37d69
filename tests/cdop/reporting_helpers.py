"""What the reporting-form tests share: asking for a form, and the link its email would carry."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from safeguarding.accounts.models import User
from safeguarding.cdop import reporting
from safeguarding.cdop.models import ChildDeath, FormKind, ReportingForm
from safeguarding.cdop.reporting import Answer, Professional
from safeguarding.cdop.reporting_questions import questions_for

GP = Professional(name="Dr Invented GP", agency="Invented Surgery", email="gp@example.org")


def ask(
    case: ChildDeath,
    actor: User,
    *,
    kind: str = FormKind.REPORTING,
    professional: Professional = GP,
) -> ReportingForm:
    return reporting.reporting_form_request(
        case=case, kind=kind, professional=professional, actor=actor
    )


def link_for(form: ReportingForm, *, now: datetime | None = None) -> str:
    """The token of the link a new email about ``form`` would carry (earlier ones stop)."""
    token = reporting.reporting_link_issue(form_id=form.pk, now=now)
    assert token is not None
    return token


def path_of(token: str) -> str:
    return urlsplit(reporting.reporting_form_url(token)).path


def every_answer(kind: str = FormKind.REPORTING, *, not_known: str = "") -> dict[str, Answer]:
    return {
        question.key: Answer(not_known=True)
        if question.key == not_known
        else Answer(text=f"Invented answer to {question.key}")
        for question in questions_for(kind)
    }


def posted_answers(kind: str = FormKind.REPORTING, *, action: str, **override: str) -> dict:
    data: dict[str, str] = {"action": action}
    for question in questions_for(kind):
        data[question.key] = f"Invented answer to {question.key}"
    data.update(override)
    return data
