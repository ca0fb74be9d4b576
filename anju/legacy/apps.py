from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class LegacyConfig(LineConfig):
    name = "anju.legacy"
    label = "legacy"
    verbose_name = _("Legacy projects")
    navigation = Module(code="legacy", name=_("Legacy projects"), url_name="legacy:home", icon="遗", order=62)
    todos = ("anju.legacy.todos.legacy_todos",)
    kpis = "anju.legacy.kpis.registry_entries"
