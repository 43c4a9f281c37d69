"""Background tasks and the scheduler."""

from __future__ import annotations

from safeguarding.inventory.declarations import declare, not_personal, personal
from safeguarding.inventory.taxonomy import Subject

declare(
    "core.ScheduledRun",
    retention="scheduler_history",
    retention_trigger="claimed_at",
    fields=not_personal("id", "job", "period", "claimed_at"),
)
declare(
    "core.FailedEmail",
    retention="failed_emails",
    retention_trigger="failed_at",
    fields=not_personal("id", "task", "description", "reason", "attempts", "failed_at"),
)
declare(
    "django_tasks_database.DBTaskResult",
    label="Background task",
    subject=Subject.VISITOR,
    purpose="service_operations",
    retention="task_results",
    retention_trigger="finished_at",
    description="Queued and finished background tasks; finished ones are pruned after 7 days.",
    fields={
        **not_personal(
            "id",
            "status",
            "enqueued_at",
            "started_at",
            "finished_at",
            "priority",
            "task_path",
            "worker_ids",
            "queue_name",
            "backend_name",
            "run_after",
            "exception_class_path",
        ),
        "args_kwargs": personal(
            "user.contact.email", note="task arguments, e.g. an email's address and text"
        ),
        "return_value": personal("system.operations"),
        "traceback": personal("system.operations"),
    },
)
