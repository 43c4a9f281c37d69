"""Background work through the Django Tasks API (django-tasks, the same API as Django 6).

Tasks are thin: they take ids or plain values, and call a service. Enqueue with
``enqueue_on_commit`` so a task never runs for a change that was rolled back, and never
runs before the rows it needs are visible to the worker.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task
from django_tasks.base import Task

logger = logging.getLogger(__name__)


def enqueue_on_commit(task_to_run: Task[Any, Any], /, *args: Any, **kwargs: Any) -> None:
    transaction.on_commit(partial(task_to_run.enqueue, *args, **kwargs), robust=False)


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str | None = None,
    headers: dict[str, str] | None = None,
) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, headers=headers or {})
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
