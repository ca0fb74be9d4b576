"""A real worker process (`anju worker`, django-tasks-db) runs a job a page queued in the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ANJU = str(Path(sys.executable).parent / "anju")
SUBMIT = (
    "from anju.core import jobs; "
    "job = jobs.submit(None, 'rental.bill_month', '2023-04 月租金账单', month='2023-04'); print(job.pk, job.status)"
)
STATUS = "from anju.core.models import Job; import json; j = Job.objects.get(); print(json.dumps([j.status, j.result]))"


def test_the_worker_runs_a_queued_job(tmp_path: Path) -> None:
    env = os.environ | {
        "DEBUG": "1",
        "ANJU_ENV_FILE": "",
        "ANJU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'anju.sqlite3'}",
    }

    def anju(*args: str) -> str:
        done = subprocess.run([ANJU, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

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
