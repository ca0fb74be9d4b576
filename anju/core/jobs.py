"""Background jobs on Django's tasks framework (`django.tasks`, the `django-tasks-db` database backend,
run by `anju worker`): a page submits a job and answers at once; the worker runs the job's handler,
which reports progress (rows done of the total) and may leave one file; "我的任务" (`/jobs/`) lists a
user's jobs with their progress and the download links of finished files.

A line registers a handler per kind in its LineConfig (or ready()): `jobs.register("rental.bill_month",
handler)`; `handler(job, progress) -> Output | None`, where `progress(done, total, step="")` records
the progress and the heartbeat. A handler does its writing in one transaction (an action), so a failed
job leaves nothing half-written; its error is shown in Chinese (a DomainError's message as it is). A
running job whose worker died (no heartbeat for STALE_AFTER) is shown as failed and can be submitted again.
Files live in DATA_DIR/jobs/<id>/, downloadable by the job's owner only, and are removed after
JOB_FILE_DAYS days (`prune`, run whenever 我的任务 is opened)."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, connections
from django.tasks import task
from django.utils import timezone

from anju.core.models import Job, User
from anju.lib.errors import DomainError

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=10)
PROGRESS_EVERY = 0.5  # seconds between two progress records of a job (a new step or the end always)
ACTIVE = (Job.Status.QUEUED, Job.Status.RUNNING)
Progress = Callable[..., None]


@dataclass(frozen=True)
class Output:
    """What a handler leaves: a summary for the page and, optionally, one file (bytes and its name)."""

    result: dict[str, Any] = field(default_factory=dict)
    content: bytes | None = None
    file_name: str = ""


class JobFailed(DomainError):
    """A handler's refusal with details for the job's page (an import's error table): `result` is kept."""

    def __init__(self, message: str, result: dict[str, Any], code: str = "failed") -> None:
        super().__init__(message, code=code)
        self.result = result


Handler = Callable[[Job, Progress], "Output | None"]
_handlers: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


INPUT = "input"


def directory(job: Job) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / str(job.pk)


def input_file(job: Job, name: str) -> bytes:
    """A file given to `submit` (read by the handler; removed with the job's input when it ends)."""
    return (directory(job) / INPUT / Path(name).name).read_bytes()


def submit(owner: User | None, kind: str, title: str, *, files: dict[str, bytes] | None = None, **params: Any) -> Job:
    """Queue a job of a registered kind; the worker runs it (the immediate backend, in tests, at once).
    `files` (name → content, an uploaded file) are put in the job's folder for the handler (`input_file`)."""
    if kind not in _handlers:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, title=title, params=params, owner=owner if owner and owner.pk else None)
    if files:
        folder = directory(job) / INPUT
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (folder / Path(name).name).write_bytes(content)
    # The database backend writes the task in this transaction: the worker sees it with the job, never before.
    run_job.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _record(job_id: int, **values: Any) -> None:
    Job.objects.filter(pk=job_id).update(heartbeat=timezone.now(), **values)


def _progress(job_id: int, **values: Any) -> None:
    """Record progress on a connection of its own, so that a write never upgrades the handler's open read
    (an export's iterator: SQLite refuses that once another connection has written). Inside the
    handler's transaction (an import: on SQLite the only writer) it is written with it, seen at commit."""
    if connection.in_atomic_block:
        _record(job_id, **values)
        return

    def write() -> None:
        try:
            _record(job_id, **values)
        except DatabaseError:
            logger.warning("job %s: progress not recorded", job_id, exc_info=True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=write, name=f"job-{job_id}-progress")
    thread.start()
    thread.join()


def _message(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, PermissionDenied):  # the owner lost the permission the page had checked
        return "没有执行这项任务的权限。"
    return f"任务失败（{type(exc).__name__}）：{str(exc)[:500]}。请联系系统管理员。"


@task()
def run_job(job_id: int) -> str:
    """The worker's entry: run the job's handler, recording its progress, its file and how it ended."""
    job = Job.objects.get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job.status
    _record(job_id, status=Job.Status.RUNNING, started=timezone.now())

    last: dict[str, Any] = {"at": 0.0, "step": ""}

    def progress(done: int, total: int, step: str = "") -> None:
        now = time.monotonic()
        if now - last["at"] < PROGRESS_EVERY and step == last["step"] and done < total:
            return
        last.update(at=now, step=step)
        _progress(job_id, done=done, total=total, step=step[:200])

    try:
        output = _handlers[job.kind](job, progress) or Output()
        values: dict[str, Any] = {"result": output.result}
        if output.content is not None:
            folder = directory(job)
            folder.mkdir(parents=True, exist_ok=True)
            name = output.file_name or f"job-{job_id}"
            (folder / name).write_bytes(output.content)
            values |= {"file": str(folder / name), "file_name": name}
        shutil.rmtree(directory(job) / INPUT, ignore_errors=True)
        _record(job_id, status=Job.Status.DONE, finished=timezone.now(), **values)
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        shutil.rmtree(directory(job), ignore_errors=True)
        details = exc.result if isinstance(exc, JobFailed) else {}
        _record(job_id, status=Job.Status.FAILED, error=_message(exc), result=details, finished=timezone.now())
        return Job.Status.FAILED
    return Job.Status.DONE


def mark_stale(now: dt.datetime | None = None) -> int:
    """Running jobs without a heartbeat for STALE_AFTER lost their worker: failed (a waiting job waits for
    the worker to come back; /healthz shows how long the oldest has waited)."""
    now = now or timezone.now()
    stale = Job.objects.filter(status=Job.Status.RUNNING, heartbeat__lt=now - STALE_AFTER)
    if not stale.exists():  # read first: a page writes nothing (SQLite has one writer; a job may hold it)
        return 0
    return stale.update(
        status=Job.Status.FAILED,
        error="任务中断（服务器重启或后台进程停止），请重新提交。",
        finished=now,
    )


def prune(now: dt.datetime | None = None) -> int:
    """Remove the files of jobs finished more than JOB_FILE_DAYS days ago; how many."""
    now = now or timezone.now()
    old = Job.objects.filter(finished__lt=now - dt.timedelta(days=settings.JOB_FILE_DAYS)).exclude(file="")
    if not old.exists():
        return 0
    count = 0
    for job in old:
        shutil.rmtree(directory(job), ignore_errors=True)
        count += 1
    old.update(file="")
    return count


def visible_to(user: Any) -> Any:
    """The jobs a user may see: their own, or every job for those who manage users."""
    jobs = Job.objects.select_related("owner")
    return jobs if user.can("users", "handle") else jobs.filter(owner=user)
