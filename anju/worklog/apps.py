from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklogConfig(AppConfig):
    """The shared 工作记录: meetings (调度会、联席会、部署会) and other counted activities of every line."""

    name = "anju.worklog"
    label = "worklog"
    verbose_name = _("Work records")
