"""The daily reminder to each case's leads: the clocks due within 2 working days and those
overdue. Safe to run twice: each (case, day) is claimed once (``ClockReminder``), and the
email task takes ids and the day, and works out what to say when it runs."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import audit_log
from safeguarding.casereviews.clocks import Clock, case_clocks, overdue
from safeguarding.casereviews.models import LIVE_STAGES, CaseReview, ClockReminder
from safeguarding.core.links import absolute_url
from safeguarding.core.tasks import deliver_email, email_task, enqueue_in_transaction
from safeguarding.workspaces.models import Membership, MembershipRole


def needing_attention(case: CaseReview, today: date) -> tuple[list[Clock], list[Clock]]:
    """(due within 2 working days, overdue) among the case's open clocks."""
    clocks = case_clocks(case)
    return [c for c in clocks if c.is_due_soon(today)], overdue(clocks, today)


def _live_cases(**where: object) -> list[CaseReview]:
    return list(
        CaseReview.objects.filter(stage__in=LIVE_STAGES, **where)
        .select_related("notification", "rapid_review", "practice_review")
        .prefetch_related("information_requests", "reviewer_requests", "checkpoints", "actions")
    )


def _leads(case: CaseReview) -> list[int]:
    return list(
        Membership.objects.live()
        .filter(workspace_id=case.workspace_id, role=MembershipRole.LEAD, user__is_active=True)
        .values_list("user_id", flat=True)
    )


def clock_reminders_send(*, today: date | None = None) -> int:
    """Claim today's reminder for every live case with a clock due soon or overdue, and queue
    one email to each of its live leads. Returns how many cases were reminded."""
    today = today or timezone.localdate()
    reminded = 0
    for case in _live_cases():
        soon, late = needing_attention(case, today)
        if not soon and not late:
            continue
        try:
            with transaction.atomic(durable=True):
                ClockReminder.objects.create(
                    case=case, day=today, due_soon=len(soon), overdue=len(late)
                )
                for user_id in _leads(case):
                    enqueue_in_transaction(
                        send_clock_reminder,
                        case_id=case.pk,
                        user_id=user_id,
                        day=today.isoformat(),
                    )
                audit_log(
                    action="casereviews.clocks.reminded",
                    actor=None,
                    target=case,
                    details={"day": today.isoformat(), "due_soon": len(soon), "overdue": len(late)},
                )
        except IntegrityError:
            continue  # reminded already today
        reminded += 1
    return reminded


@email_task("A case review's clocks, to its lead")
def send_clock_reminder(*, case_id: int, user_id: int, day: str) -> int:
    """One lead's reminder: the case's reference, and each clock due soon or overdue with its
    date. No name, no detail of the case: those stay behind the sign-in."""
    case = next(iter(_live_cases(pk=case_id)), None)
    lead = User.objects.filter(pk=user_id, is_active=True).first()
    if case is None or lead is None:
        return 0
    today = date.fromisoformat(day)
    soon, late = needing_attention(case, today)
    if not soon and not late:
        return 0
    context = {
        "case": case,
        "lead": lead,
        "soon": [(c, c.in_words(today)) for c in soon],
        "late": [(c, c.in_words(today)) for c in late],
        "url": absolute_url(reverse("casereviews:staff_case", args=[case.pk])),
    }
    return deliver_email(
        subject=render_to_string("casereviews/email/clocks_subject.txt", context).strip(),
        body=render_to_string("casereviews/email/clocks.txt", context),
        to=[lead.email],
    )
