from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from safeguarding.core.scheduler import enqueue_due_jobs


class Command(BaseCommand):
    help = "Enqueue due periodic jobs every --interval seconds until stopped (used by make run)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=int, default=60, help="Seconds between passes.")

    def handle(self, *args: Any, interval: int, **options: Any) -> None:
        running = True

        def stop(signum: int, frame: Any) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write(f"Scheduler started: checking for due jobs every {interval}s")
        while running:
            close_old_connections()
            for name in enqueue_due_jobs():
                self.stdout.write(f"Enqueued {name}")
            for _ in range(interval):
                if not running:
                    break
                time.sleep(1)
