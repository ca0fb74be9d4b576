"""A real worker process (`anju worker`, django-tasks-db) runs a job a page queued in the database."""

from __future__ import annotations

import json
from collections.abc import Callable

SUBMIT = (
    "from anju.core import jobs; "
    "job = jobs.submit(None, 'rental.bill_month', '2023-04 月租金账单', month='2023-04'); print(job.pk, job.status)"
)
STATUS = "from anju.core.models import Job; import json; j = Job.objects.get(); print(json.dumps([j.status, j.result]))"


def test_the_worker_runs_a_queued_job(anju_on_file: Callable[..., str]) -> None:
    anju = anju_on_file
    anju("migrate", "-v", "0")
    _job_id, status = anju("shell", "-v", "0", "-c", SUBMIT).split()
    assert status == "queued"
    health = anju("shell", "-v", "0", "-c", "from anju.core.health import _tasks; print(_tasks()['pending'])")
    assert health.strip() == "1"
    anju("worker", "--batch", "--no-startup-delay")
    status, result = json.loads(anju("shell", "-v", "0", "-c", STATUS))
    assert status == "done" and result == {"month": "2023-04", "created": 0, "existing": 0}
    # The worker left its heartbeat: /healthz sees it.
    worker = anju(
        "shell", "-v", "0", "-c", "from anju.core.health import _worker; import json; print(json.dumps(_worker()))"
    )
    seen = json.loads(worker)
    assert seen["ok"] and seen["worker"].endswith(tuple("0123456789"))
