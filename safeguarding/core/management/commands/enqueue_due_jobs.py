from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safeguarding.core.scheduler import enqueue_due_jobs


class Command(BaseCommand):
    help = (
        "Enqueue every periodic job that is due and not yet claimed for its period. "
        "Idempotent: run it from cron every few minutes on any number of machines."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = enqueue_due_jobs()
        self.stdout.write(
            f"Enqueued {len(started)} periodic job(s): {', '.join(started) or 'none due'}"
        )
