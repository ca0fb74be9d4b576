"""Inspections, findings and tasks built through the line's actions."""

from __future__ import annotations

import datetime as dt

from anju.core.models import User
from anju.oversight import actions
from anju.oversight.models import Finding, Inspection, Task


def inspection(feedback_on: dt.date = dt.date(2023, 11, 16), kind: str = Inspection.Kind.CITY_LOOKBACK) -> Inspection:
    return actions.record_inspection(None, kind=kind, title="市委巡察“回头看”", feedback_on=feedback_on)


def finding(text: str = "维修资金归集不及时", area: str = Finding.Area.FUND, of: Inspection | None = None) -> Finding:
    (created,) = actions.add_findings(None, of or inspection(), [actions.NewFinding(text, area)])
    return created


def task(
    owner: User,
    *,
    of: Finding | None = None,
    deadline: dt.date = dt.date(2024, 6, 30),
    assigned_on: dt.date = dt.date(2024, 1, 10),
    interim: dt.date | None = dt.date(2024, 3, 15),
) -> Task:
    (created,) = actions.assign_tasks(
        None,
        [
            actions.NewTask(
                of or finding(), Task.Kind.DEADLINE, "人事财务部", owner, "整改到位", deadline, interim, assigned_on
            )
        ],
    )
    return created
