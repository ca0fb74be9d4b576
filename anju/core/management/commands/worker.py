"""`anju worker`: the background worker (django-tasks-db's `db_worker`); run beside the web server
(`make run` does, the deploy/ systemd unit does). Its options are db_worker's (`anju worker --help`).

While it runs, a thread touches the worker's heartbeat row (`WorkerBeat`) every WORKER_BEAT_SECONDS,
also while a long job occupies the worker; `/healthz` fails when no worker was seen for
WORKER_STALE_SECONDS."""

from __future__ import annotations

import logging
import os
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from anju.core.models import WorkerBeat

logger = logging.getLogger(__name__)


def beat(worker_id: str, started: Any) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:200], "pid": os.getpid(), "started": started, "seen": timezone.now()},
    )


def _beating(worker_id: str, started: Any, stop: threading.Event) -> None:
    try:
        while not stop.wait(settings.WORKER_BEAT_SECONDS):
            try:
                beat(worker_id, started)
            except Exception:  # a busy database: the next beat tries again
                logger.warning("worker heartbeat failed", exc_info=True)
    finally:
        connection.close()


def run_worker(args: list[str]) -> None:
    if "--worker-id" not in args and not any(arg.startswith("--worker-id=") for arg in args):
        args = [*args, "--worker-id", f"{socket.gethostname()[:40]}-{os.getpid()}"]
    worker_id = next(
        (args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "--worker-id"),
        next((arg.split("=", 1)[1] for arg in args if arg.startswith("--worker-id=")), ""),
    )
    started = timezone.now()
    beat(worker_id, started)
    stop = threading.Event()
    thread = threading.Thread(target=_beating, args=(worker_id, started, stop), name="heartbeat", daemon=True)
    thread.start()
    try:
        call_command("db_worker", *args)
    finally:
        stop.set()
        thread.join(timeout=5)


class Command(BaseCommand):
    help = "Run the background worker: report builds, large imports and exports, billing, interest."

    def run_from_argv(self, argv: list[str]) -> None:
        # Everything after `worker` goes to db_worker as it is (its own --help, --batch, --max-tasks…).
        if "--help" in argv[2:] or "-h" in argv[2:]:
            call_command("db_worker", *argv[2:])
            return
        run_worker(argv[2:])

    def handle(self, *args: Any, **options: Any) -> None:  # reached only through call_command("worker")
        run_worker(list(args))
