"""Public rental housing's background jobs (anju.core.jobs), registered by RentalConfig."""

from __future__ import annotations

from anju.core.jobs import Output, Progress
from anju.core.models import Job
from anju.rental import actions, rules


def bill_month(job: Job, progress: Progress) -> Output:
    """Bill a month's rent of every lease in force (`actions.bill_month`: one statement, idempotent)."""
    month = rules.parse_month(job.params["month"])
    progress(0, 1, "生成月租金账单")
    result = actions.bill_month(job.owner, month)
    progress(1, 1, "完成")
    return Output(result={"month": f"{month:%Y-%m}", **result})
