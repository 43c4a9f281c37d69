"""``GET /healthz``: is the database reachable, and can the task queue be read?"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django_tasks import default_task_backend
from django_tasks_db.models import DBTaskResult


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        return False


def _task_queue_ok() -> bool:
    try:
        # The database backend's queue is a table: reading the oldest waiting row proves
        # workers (which poll the same table) can reach it too.
        DBTaskResult.objects.ready().order_by("enqueued_at").values_list("id", flat=True).first()
        return bool(default_task_backend.alias)
    except DatabaseError:
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "task_queue": _task_queue_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
