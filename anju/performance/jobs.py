"""Building the report's files in the background: the report page queues a ReportRun, a thread builds it and
records its progress, the page polls the run (htmx)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import OperationalError, close_old_connections, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.performance import writers
from anju.performance.models import ReportRun

logger = logging.getLogger(__name__)

# A queued or running run not touched for this long lost its worker (a restart, a killed thread): failed.
STALE_AFTER = dt.timedelta(minutes=10)
ACTIVE = (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING)


def run_directory(run: ReportRun) -> Path:
    return Path(settings.MEDIA_ROOT) / "performance" / "reports" / str(run.pk)


def _update(run_id: int, attempts: int = 20, **values: object) -> None:
    """Record on the run; a database busy with the page's polling gets a few more tries (progress is best effort)."""
    for attempt in range(attempts):
        try:
            # update() skips auto_now: touch `updated` here, it is what tells a live run from a lost one.
            ReportRun.objects.filter(pk=run_id).update(updated=timezone.now(), **values)
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

    progress(1, _("Starting"))
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
            step=_("Done"),
            directory=str(directory),
            finished=timezone.now(),
        )
    report_run.refresh_from_db()
    return report_run


def mark_stale(now: dt.datetime | None = None) -> int:
    """Runs queued or running but not touched for STALE_AFTER are failed (their worker is gone); how many."""
    now = now or timezone.now()
    return ReportRun.objects.filter(status__in=ACTIVE, updated__lt=now - STALE_AFTER).update(
        status=ReportRun.Status.FAILED,
        error=_("The build stopped without finishing (the server was restarted?). Build the report again."),
        finished=now,
        updated=now,
    )


def _thread_main(run_id: int) -> None:
    close_old_connections()
    try:
        run(run_id)
    except Exception as exc:  # anything outside the build itself (the run vanished, the database): record it
        logger.exception("report run %s: the worker failed", run_id)
        try:
            _update(run_id, status=ReportRun.Status.FAILED, error=str(exc)[:2000], finished=timezone.now())
        except Exception:
            logger.exception("report run %s: the failure could not be recorded", run_id)
    finally:
        connection.close()


def start(run_id: int) -> threading.Thread:
    """Build in a daemon thread (the page answers at once and polls)."""
    thread = threading.Thread(target=_thread_main, args=(run_id,), name=f"report-run-{run_id}", daemon=True)
    thread.start()
    return thread
