from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class WorklogConfig(LineConfig):
    """The shared 工作记录: meetings (调度会、联席会、部署会) and other counted activities of every line."""

    name = "anju.worklog"
    label = "worklog"
    verbose_name = _("Work records")
    navigation = Module(code="worklog", name=_("Work records"), url_name="worklog:list", icon="记", order=64)
    kpis = "anju.worklog.queries.registry_entries"
    imports = ("anju.worklog.importer.WORKLOG_IMPORT",)
