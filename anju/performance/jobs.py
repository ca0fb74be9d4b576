"""Building the report's files in the background: the report page queues a ReportRun, a thread builds it and
records its progress, the page polls the run (htmx)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone

from anju.performance import writers
from anju.performance.models import ReportRun

logger = logging.getLogger(__name__)


def run_directory(run: ReportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "performance" / "reports" / str(run.pk)


def _update(run_id: int, attempts: int = 20, **values: object) -> None:
    """Record on the run; a database busy with the page's polling gets a few more tries (progress is best effort)."""
    for attempt in range(attempts):
        try:
            ReportRun.objects.filter(pk=run_id).update(**values)
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.1)


def run(run_id: int) -> ReportRun:
    """Build the run's four files, recording progress; a failure is recorded on the run, not raised."""
    report_run = ReportRun.objects.get(pk=run_id)
    directory = run_directory(report_run)

    def progress(percent: int, step: str) -> None:
        try:
            _update(run_id, attempts=3, status=ReportRun.Status.RUNNING, progress=percent, step=step)
        except OperationalError:
            logger.warning("report run %s: progress %s%% not recorded", run_id, percent)

    progress(1, "开始")
    try:
        writers.write_all(report_run.year, directory, progress)
    except Exception as exc:
        logger.exception("report run %s failed", run_id)
        _update(run_id, status=ReportRun.Status.FAILED, error=str(exc)[:2000], finished=timezone.now())
    else:
        _update(
            run_id,
            status=ReportRun.Status.DONE,
            progress=100,
            step="完成",
            directory=str(directory),
            finished=timezone.now(),
        )
    report_run.refresh_from_db()
    return report_run


def _thread_main(run_id: int) -> None:
    close_old_connections()
    try:
        run(run_id)
    finally:
        connection.close()


def start(run_id: int) -> threading.Thread:
    """Build in a daemon thread (the page answers at once and polls)."""
    thread = threading.Thread(target=_thread_main, args=(run_id,), name=f"report-run-{run_id}", daemon=True)
    thread.start()
    return thread
