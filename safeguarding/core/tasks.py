"""Background work through the Django Tasks API (django-tasks, the same API as Django 6).

Tasks are thin: they take ids or plain values, and call a service. Enqueue with
``enqueue_in_transaction`` inside the transaction that makes the change: the queue lives in
the same database, so the change and its task (the email it sends, say) are committed
together or not at all. A task never runs for a change that was rolled back, never runs
before the rows it needs are visible to the worker (it cannot see the task row either), and
nothing committed goes without its task if the queue write fails.
"""

from __future__ import annotations

import functools
import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from safeguarding.core.models import FailedEmail

logger = logging.getLogger(__name__)


def enqueue_in_transaction(task_to_run: Task[Any, Any], /, *args: Any, **kwargs: Any) -> None:
    """Write the task to the queue in the caller's transaction (see above); no savepoint of
    its own (two statements more inside the caller's locks): a failure dooms the caller's
    transaction, as it must."""
    with transaction.atomic(savepoint=False):
        task_to_run.enqueue(*args, **kwargs)


# An email that fails is tried again after these waits (then the worker gives up, and it is
# listed for administrators: safeguarding.accounts.views failed_emails).
EMAIL_RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


def email_task(description: str) -> Callable[[Callable[..., int]], Task[Any, int]]:
    """A task that sends an email, retried with backoff when the mail server refuses it or
    cannot be reached (``EMAIL_RETRY_AFTER``); when it gives up, a ``FailedEmail`` says so on
    a staff page. The task takes the same keyword arguments (ids) on every attempt."""

    def wrap(send: Callable[..., int]) -> Task[Any, int]:
        @functools.wraps(send)
        def run(*, attempt: int = 1, **kwargs: Any) -> int:
            try:
                return send(**kwargs)
            except (smtplib.SMTPException, OSError) as error:
                reason = type(error).__name__
                if attempt <= len(EMAIL_RETRY_AFTER):
                    when = timezone.now() + EMAIL_RETRY_AFTER[attempt - 1]
                    retry.using(run_after=when).enqueue(attempt=attempt + 1, **kwargs)
                    logger.warning("Email task %s failed (%s); retrying", retry.name, reason)
                    return 0
                FailedEmail.objects.create(
                    task=retry.module_path,
                    description=description,
                    reason=reason,
                    attempts=attempt,
                )
                logger.error("Email task %s failed (%s); gave up", retry.name, reason)
                raise

        retry: Task[Any, int] = task()(run)
        return retry

    return wrap


def header_text(text: str) -> str:
    """Text for an email header on one line. Forms refuse line breaks where staff type a
    subject; this keeps one that came another way from failing the email (or adding a header)."""
    return " ".join(text.split())


def deliver_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    headers: dict[str, str] | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Send one email now (inside a task: see ``email_task``). ``reply_to``: where a reply
    should go, when that is not the sender (an enquiry's writer, say)."""
    message = EmailMultiAlternatives(
        subject=header_text(subject),
        body=body,
        to=to,
        headers=headers or {},
        reply_to=[header_text(address) for address in reply_to or []],
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@email_task("An email")
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    """For messages with nothing personal or live in them (the audit anchor, say); anything
    else gets a task of its own that takes ids."""
    return deliver_email(subject=subject, body=body, to=to, html_body=html_body, headers=headers)
