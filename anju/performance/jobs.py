"""Building the report's files in the background: the report page queues a ReportRun and a background
job of the kit (`anju.core.jobs`, kind `performance.report`) for the person who asked; the worker
(`anju worker`) builds it, recording its progress on both, so the report page (which polls the run) and
我的任务 show it, the latter with the links to the files. A restart of the web server loses nothing; a
worker that dies mid-build leaves the run to be marked failed after STALE_AFTER, and it can be built
again."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone
from django.utils.translation import gettext as _

from anju.core import jobs as core_jobs
from anju.core.links import reverse
from anju.core.models import Job
from anju.lib.errors import DomainError
from anju.performance import writers
from anju.performance.models import ReportRun

logger = logging.getLogger(__name__)

# A queued or running run not touched for this long lost its worker (a restart, a killed thread): failed.
STALE_AFTER = dt.timedelta(minutes=10)
ACTIVE = (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING)


class ReportFailed(DomainError):
    prefix = "performance"


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


def run(run_id: int, forward: Callable[[int, int, str], None] | None = None) -> ReportRun:
    """Build the run's four files, recording progress (also `forward(percent, 100, step)`, the job's); a
    failure is recorded on the run, not raised."""
    report_run = ReportRun.objects.get(pk=run_id)
    directory = run_directory(report_run)

    def progress(percent: int, step: str) -> None:
        try:
            _update(run_id, attempts=3, status=ReportRun.Status.RUNNING, progress=percent, step=step)
        except OperationalError:
            logger.warning("report run %s: progress %s%% not recorded", run_id, percent)
        if forward is not None:
            forward(percent, 100, str(step))

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
    """Runs building but not touched for STALE_AFTER are failed (their worker is gone); how many. A queued
    run waits for the worker (`/healthz` shows how long)."""
    now = now or timezone.now()
    stale = ReportRun.objects.filter(status=ReportRun.Status.RUNNING, updated__lt=now - STALE_AFTER)
    if not stale.exists():  # read first: a page writes nothing unless a run is stale
        return 0
    return stale.update(
        status=ReportRun.Status.FAILED,
        error=_("The build stopped without finishing (the server was restarted?). Build the report again."),
        finished=now,
        updated=now,
    )


JOB = "performance.report"


def build(job: Job, progress: core_jobs.Progress) -> core_jobs.Output:
    """The worker's entry (a job of the kit): build the run; anything outside the build itself (the run
    vanished, the database) is recorded on the run too, and fails the job with the run's error."""
    run_id = job.params["run"]
    try:
        report_run = run(run_id, progress)
    except Exception as exc:
        logger.exception("report run %s: the worker failed", run_id)
        try:
            _update(run_id, status=ReportRun.Status.FAILED, error=str(exc)[:2000], finished=timezone.now())
        except Exception:
            logger.exception("report run %s: the failure could not be recorded", run_id)
        raise
    if report_run.status != ReportRun.Status.DONE:
        raise ReportFailed(_("The report could not be built: %(error)s") % {"error": report_run.error[:500]})
    return core_jobs.Output(
        result={
            "summary": [[_("Year"), report_run.year]],
            "links": [
                [
                    writers.file_label(report_run.year, name),
                    reverse("performance:report_file", args=[report_run.pk, name]),
                ]
                for name in writers.FILES
            ],
        }
    )


def start(run_id: int) -> None:
    """Hand the run to the background worker as a job of the person who asked (the page answers at
    once and polls)."""
    report_run = ReportRun.objects.select_related("requested_by").get(pk=run_id)
    core_jobs.submit(
        report_run.requested_by,
        JOB,
        _("Annual report %(year)s") % {"year": report_run.year},
        run=run_id,
    )
