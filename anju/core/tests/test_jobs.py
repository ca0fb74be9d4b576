"""Background jobs: submitted from a page, run by the worker (here at once), their progress, result and
file kept for the person who asked; a failure is shown in Chinese with nothing half-written; a job whose
worker died is failed; old files are removed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anju.core import jobs
from anju.core.models import Job, Role, User
from anju.lib.errors import DomainError

pytestmark = pytest.mark.django_db


def _export(job: Job, progress: jobs.Progress) -> jobs.Output:
    for done in range(0, 3):
        progress(done, 3, f"第 {done + 1} 批")
    return jobs.Output(result={"rows": 3}, content=b"xlsx-bytes", file_name="导出.xlsx")


class Refused(DomainError):
    prefix = "test"


def _fails(job: Job, progress: jobs.Progress) -> None:
    Role.objects.create(code="half", name="写了一半")  # undone with the failure (the handler's transaction)
    raise Refused("第 7 行：金额不是数字", code="bad_amount")


@pytest.fixture(autouse=True)
def _kinds(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    jobs.register("test.export", _export)
    jobs.register("test.fails", lambda job, progress: _atomic_fails(job, progress))


def _atomic_fails(job: Job, progress: jobs.Progress) -> None:
    from django.db import transaction

    with transaction.atomic():
        _fails(job, progress)


def test_a_job_runs_records_its_progress_and_keeps_its_file_for_its_owner(client_for) -> None:
    owner = client_for("station")
    job = jobs.submit(owner.user, "test.export", "导出房屋")  # type: ignore[attr-defined]
    assert job.status == Job.Status.DONE and (job.done, job.total) == (2, 3) and job.result == {"rows": 3}
    assert job.started is not None and job.finished is not None
    listing = owner.get("/jobs/").content.decode()
    assert "导出房屋" in listing and f"/jobs/{job.pk}/file/" in listing
    download = owner.get(f"/jobs/{job.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"xlsx-bytes"  # type: ignore[attr-defined]
    other = client_for("finance")
    assert "导出房屋" not in other.get("/jobs/").content.decode()
    assert other.get(f"/jobs/{job.pk}/").status_code == 404 and other.get(f"/jobs/{job.pk}/file/").status_code == 404
    admin = client_for("admin")
    assert admin.get(f"/jobs/{job.pk}/").status_code == 200  # administrators see every job…
    assert admin.get(f"/jobs/{job.pk}/file/").status_code == 403  # …but not another person's file


def test_a_failed_job_says_why_in_chinese_and_leaves_nothing_half_written(client_for) -> None:
    owner = client_for("station")
    job = jobs.submit(owner.user, "test.fails", "导入收款")  # type: ignore[attr-defined]
    assert job.status == Job.Status.FAILED and job.error == "第 7 行：金额不是数字"
    assert not Role.objects.filter(code="half").exists() and not jobs.directory(job).exists()
    assert "第 7 行：金额不是数字" in owner.get(f"/jobs/{job.pk}/").content.decode()


def test_a_job_whose_worker_died_is_failed_and_old_files_are_removed(make_user, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user: User = make_user("clerk", "station")
    waiting = jobs.submit(user, "test.export", "等待中")
    assert waiting.status == Job.Status.QUEUED
    long_ago = timezone.now() - jobs.STALE_AFTER - dt.timedelta(seconds=1)
    Job.objects.filter(pk=waiting.pk).update(heartbeat=long_ago)
    assert jobs.mark_stale() == 0  # waiting for the worker is not dying
    Job.objects.filter(pk=waiting.pk).update(status=Job.Status.RUNNING)
    assert jobs.mark_stale() == 1
    waiting.refresh_from_db()
    assert waiting.status == Job.Status.FAILED and "重新提交" in waiting.error
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    done = jobs.submit(user, "test.export", "旧文件")
    assert jobs.directory(done).is_dir()
    assert jobs.prune() == 0
    later = timezone.now() + dt.timedelta(days=settings.JOB_FILE_DAYS, hours=1)
    assert jobs.prune(later) == 1 and not jobs.directory(done).exists()
    done.refresh_from_db()
    assert done.file == ""


def test_billing_from_the_page_goes_to_the_jobs_page_while_the_worker_has_not_run_it(client_for, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for("station")
    response = client.post("/rental/bills/run/", {"month": "2023-04"})
    job = Job.objects.get(kind="rental.bill_month")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert job.get_status_display() in page and 'hx-trigger="every 1s"' in page
