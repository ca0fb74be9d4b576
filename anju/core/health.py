"""`/healthz`: whether this server can do its work, for the load balancer and the monitoring (no login).

JSON with each check's result and HTTP 503 when one fails: the database answers a query, the data
directory (SQLite database, attachments) has at least HEALTH_MIN_FREE_MB free, a background worker
(`anju worker`) was seen in the last WORKER_STALE_SECONDS (its heartbeat), and no background task has
waited longer than TASK_MAX_WAIT_MINUTES for it."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _disk() -> dict[str, Any]:
    """Free space where attached files are written: MEDIA_ROOT, or the nearest directory above it that exists
    (before the first upload, and on PostgreSQL before `collectstatic`, the data directory may not exist yet;
    the files will go to the same file system)."""
    path = Path(settings.MEDIA_ROOT)
    while not path.exists() and path.parent != path:
        path = path.parent
    try:
        free = shutil.disk_usage(path).free
    except OSError as exc:
        return {"ok": False, "error": type(exc).__name__}
    minimum = settings.HEALTH_MIN_FREE_MB * 1024 * 1024
    return {"ok": free >= minimum, "free_mb": free // (1024 * 1024), "min_free_mb": settings.HEALTH_MIN_FREE_MB}


def _tasks() -> dict[str, Any]:
    """The background queue: tasks waiting, and how long the oldest has waited (a worker that stopped
    shows as a growing wait; past TASK_MAX_WAIT_MINUTES the check fails)."""
    from django_tasks_db.models import DBTaskResult

    try:
        waiting = DBTaskResult.objects.ready()
        pending = waiting.count()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    wait = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {"ok": wait <= settings.TASK_MAX_WAIT_MINUTES * 60, "pending": pending, "oldest_wait_s": wait}


def _worker() -> dict[str, Any]:
    """The newest heartbeat of an `anju worker` process: when it was seen and how long ago."""
    from anju.core.models import WorkerBeat

    try:
        newest = WorkerBeat.objects.order_by("-seen").first()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if newest is None:
        return {"ok": False, "last_seen": None, "error": "no worker has run (anju worker)"}
    age = int((timezone.now() - newest.seen).total_seconds())
    return {
        "ok": age <= settings.WORKER_STALE_SECONDS,
        "last_seen": newest.seen.isoformat(),
        "age_s": age,
        "worker": newest.worker_id,
    }


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "disk": _disk()}
    if checks["database"]["ok"]:
        checks["worker"] = _worker()
        checks["tasks"] = _tasks()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "fail", **checks}, status=200 if ok else 503)
