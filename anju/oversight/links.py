"""The records a finding may concern or be rectified by, reached through the content types framework only (this
line imports none of the lines): each kind names its model by app label and model name and the field a person
types to find a record. A kind whose app is not installed is left out. A new rule version (a deposit standard from
a day on, by its record number) is the usual evidence of 建章立制."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models

from anju.oversight.errors import OversightError


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    app_label: str
    model: str
    lookup: str  # the field a person types: a number, a code or the record's id


KINDS = (
    Kind("use", "维修资金使用申请", "fund", "useapplication", "number"),
    Kind("arrears", "维修资金追缴案件", "arrears", "recoverycase", "number"),
    Kind("standard", "维修资金交存标准（规则版本）", "fund", "depositstandard", "pk"),
    Kind("project", "项目（小区）", "registry", "project", "code"),
    Kind("lease", "公租房租赁合同", "rental", "lease", "number"),
    Kind("meeting", "工作记录（会议）", "worklog", "workrecord", "pk"),
)


def installed() -> list[Kind]:
    return [k for k in KINDS if k.app_label in INSTALLED_LABELS and apps.is_installed(INSTALLED_LABELS[k.app_label])]


# The app holding each kind's model (the fund's sub-domains are apps of their own or keep the fund's label).
INSTALLED_LABELS = {
    "fund": "anju.fund",
    "arrears": "anju.fund.arrears",
    "registry": "anju.registry",
    "rental": "anju.rental",
    "worklog": "anju.worklog",
}


def choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in installed()]


def find(key: str, text: str) -> tuple[models.Model, str]:
    """The record of the kind whose number, code or id is `text`, with a label naming it."""
    kind = next((k for k in installed() if k.key == key), None)
    if kind is None:
        raise OversightError("关联记录的类型无效", code="bad_link", field="kind")
    text = text.strip()
    if kind.lookup == "pk" and not text.isdigit():
        raise OversightError(f"{kind.label}的编号须为数字", code="bad_link", field="text")
    model = apps.get_model(kind.app_label, kind.model)
    record = model._default_manager.filter(**{kind.lookup: text}).first()
    if record is None:
        raise OversightError(f"没有找到{kind.label}“{text}”", code="link_not_found", field="text")
    return record, f"{kind.label} {record}"[:200]
