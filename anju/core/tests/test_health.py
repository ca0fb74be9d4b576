"""/healthz answers without a login: 200 with each check when all pass, 503 naming the one that fails."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.utils import timezone

from anju.core.models import WorkerBeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def worker() -> WorkerBeat:
    """A worker seen just now (as `anju worker` leaves it)."""
    now = timezone.now()
    return WorkerBeat.objects.create(worker_id="host-1", host="host", pid=1, started=now, seen=now)


def test_health_is_public_and_reports_each_check(client) -> None:
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200 and body["status"] == "ok", body  # which check failed, if one did
    assert body["database"] == {"ok": True, "vendor": connection.vendor, "ms": body["database"]["ms"]}
    assert body["disk"]["ok"] and body["disk"]["free_mb"] >= body["disk"]["min_free_mb"]
    assert body["tasks"] == {"ok": True, "pending": 0, "oldest_wait_s": 0}
    assert body["worker"]["ok"] and body["worker"]["worker"] == "host-1" and body["worker"]["age_s"] <= 1
    assert "no-cache" in response["Cache-Control"]


def test_the_disk_is_measured_where_files_will_go_before_the_data_directory_exists(client, settings, tmp_path) -> None:
    # A new install on PostgreSQL: nothing has created the data directory yet (SQLite's file, collectstatic and
    # the first upload do); the free space is that of the directory that will hold it.
    settings.DATA_DIR = tmp_path / "anju-data"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200 and body["disk"]["ok"], body
    assert body["disk"]["free_mb"] == shutil.disk_usage(tmp_path).free // (1024 * 1024)
    assert not settings.DATA_DIR.exists()  # measured, not created


def test_a_full_disk_fails_the_health_check(client, settings) -> None:
    settings.HEALTH_MIN_FREE_MB = 10**12
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503 and body["status"] == "fail"
    assert not body["disk"]["ok"] and body["database"]["ok"]


def test_a_worker_not_seen_lately_or_never_fails_the_health_check(client, settings, worker) -> None:
    worker.seen = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS + 5)
    worker.save()
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503 and not body["worker"]["ok"] and body["worker"]["age_s"] > 90
    assert body["database"]["ok"] and body["tasks"]["ok"]
    WorkerBeat.objects.all().delete()
    body = json.loads(client.get("/healthz").content)
    assert body["worker"]["ok"] is False and body["worker"]["last_seen"] is None


def test_a_database_that_does_not_answer_fails_the_health_check(client) -> None:
    with mock.patch("anju.core.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503 and body["database"] == {"ok": False, "error": "OperationalError"}


def test_each_request_is_logged_as_one_json_line_without_its_query(client_for, caplog) -> None:
    import logging

    client = client_for("station")
    with caplog.at_level(logging.INFO, logger="anju.request"):
        client.get("/registry/persons/?q=430102199001011234")
    lines = [json.loads(record.getMessage()) for record in caplog.records if record.name == "anju.request"]
    assert len(lines) == 1
    line = lines[0]
    assert line["path"] == "/registry/persons/" and line["method"] == "GET" and line["status"] == 200
    assert line["user"] == "u_station"
    assert "4301021990" not in json.dumps(line) and line["ms"] >= 0


def test_a_task_waiting_too_long_for_the_worker_fails_the_health_check(client, settings) -> None:
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from anju.core import jobs

    jobs.register("test.noop", lambda job, progress: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    jobs.submit(None, "test.noop", "等待")
    assert json.loads(client.get("/healthz").content)["tasks"]["pending"] == 1
    DBTaskResult.objects.update(enqueued_at=timezone.now() - dt.timedelta(minutes=settings.TASK_MAX_WAIT_MINUTES + 1))
    response = client.get("/healthz")
    assert response.status_code == 503 and not json.loads(response.content)["tasks"]["ok"]


def test_an_upload_over_the_limit_is_refused_with_a_message_before_it_is_read(client_for, settings) -> None:
    settings.UPLOAD_MAX_MB = 1
    client = client_for("station")
    body = b"x" * (1024 * 1024 + 1)
    page = client.post("/registry/import/", data=body, content_type="application/octet-stream")
    assert page.status_code == 413 and "超过了 1 MB 的上限" in page.content.decode()
    api = client.post("/api/registry/units/import", data=body, content_type="application/octet-stream")
    assert api.status_code == 413 and api.json()["code"] == "upload.too_large"
    small = client.get("/registry/persons/")
    assert small.status_code == 200
