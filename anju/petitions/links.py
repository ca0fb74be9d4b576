"""The records of other lines a case may concern, reached through the content types framework only (this line
imports none of them): each kind names its model by app label and model name, the field a person types to
find a record (its number or code) and the page that shows it. A kind whose app is not installed is left out.

A line that wants to show the cases about one of its records reads `CaseLink` by content type and object id
(`anju.petitions.queries.cases_about`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import NoReverseMatch

from anju.core.links import reverse
from anju.petitions.errors import PetitionError


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    app_label: str
    model: str
    lookup: str  # the field a person types: a number or a code
    url_name: str
    url_arg: str = "pk"


KINDS = (
    Kind("unit", "房屋", "registry", "unit", "code", "registry:unit", "code"),
    Kind("project", "项目（小区）", "registry", "project", "code", "registry:project", "code"),
    Kind("lease", "公租房租赁合同", "rental", "lease", "number", "rental:lease"),
    Kind("subsidy", "购房补贴申请", "subsidy", "application", "number", "subsidy:application"),
    Kind("legacy", "历史遗留问题项目", "legacy", "project", "name", "legacy:project"),
    Kind("termite", "白蚁灭治申请", "termite", "controlrequest", "number", "termite:request"),
)


def installed() -> list[Kind]:
    return [k for k in KINDS if apps.is_installed(f"anju.{k.app_label}")]


def choices() -> list[tuple[str, str]]:
    return [(k.key, k.label) for k in installed()]


def _kind(key: str) -> Kind:
    found = next((k for k in installed() if k.key == key), None)
    if found is None:
        raise PetitionError("关联记录的类型无效", code="bad_link", field="kind")
    return found


def find(key: str, text: str) -> models.Model:
    """The record of the kind whose number or code is `text`."""
    kind = _kind(key)
    model = apps.get_model(kind.app_label, kind.model)
    record = model._default_manager.filter(**{kind.lookup: text.strip()}).first()
    if record is None:
        raise PetitionError(f"没有找到{kind.label}“{text.strip()}”", code="link_not_found", field="text")
    return record


def url(content_type: ContentType, record: models.Model | None) -> str:
    """The page of a linked record: its own `get_absolute_url`, else the kind's page, else none."""
    if record is None:
        return ""
    own = getattr(record, "get_absolute_url", None)
    if callable(own):
        return str(own())
    kind = next((k for k in KINDS if (k.app_label, k.model) == (content_type.app_label, content_type.model)), None)
    if kind is None:
        return ""
    try:
        return reverse(kind.url_name, args=[getattr(record, kind.url_arg)])
    except NoReverseMatch:
        return ""


def kind_label(content_type: ContentType) -> str:
    kind = next((k for k in KINDS if (k.app_label, k.model) == (content_type.app_label, content_type.model)), None)
    return kind.label if kind else str(content_type)
