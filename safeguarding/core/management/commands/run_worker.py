from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from safeguarding.core.startup import finish_start_up
from safeguarding.core.worker import DatabaseGone, ResilientWorker, worker_settings


class Command(db_worker.Command):
    help = (
        "Run the background task worker: db_worker that waits out a database outage (with "
        "backoff, up to TASK_WORKER_MAX_OUTAGE_SECONDS, then exits non-zero) and restarts lost "
        "campaigns. See safeguarding/core/worker.py. It does not reload on code changes (a "
        "reloader would keep a dead worker's process alive): restart it instead."
    )

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        reload: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options: Any,
    ) -> None:
        if batch or max_tasks is not None:
            raise CommandError("run_worker runs until stopped: use db_worker for --batch.")
        self.configure_logging(verbosity)
        # The library says "Starting worker" for every slice the worker runs; ours says it once.
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=False,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
            **worker_settings(),
        )
        worker.configure_signals()
        # Tasks' garbage collections then skip the objects start-up made (core/startup.py).
        finish_start_up()
        try:
            worker.run()
        except DatabaseGone as gone:
            raise CommandError(str(gone)) from None
