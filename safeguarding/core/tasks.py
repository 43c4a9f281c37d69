"""Background work through the Django Tasks API (django-tasks, the same API as Django 6).

Tasks are thin: they take ids or plain values, and call a service. Enqueue with
``enqueue_in_transaction`` inside the transaction that makes the change: the queue lives in
the same database, so the change and its task (the email it sends, say) are committed
together or not at all. A task never runs for a change that was rolled back, never runs
before the rows it needs are visible to the worker (it cannot see the task row either), and
nothing committed goes without its task if the queue write fails.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)


def enqueue_in_transaction(task_to_run: Task[Any, Any], /, *args: Any, **kwargs: Any) -> None:
    """Write the task to the queue in the caller's transaction (see above)."""
    with transaction.atomic():
        task_to_run.enqueue(*args, **kwargs)


def header_text(text: str) -> str:
    """Text for an email header on one line. Forms refuse line breaks where staff type a
    subject; this keeps one that came another way from failing the email (or adding a header)."""
    return " ".join(text.split())


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    message = EmailMultiAlternatives(
        subject=header_text(subject), body=body, to=to, headers=headers or {}
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
