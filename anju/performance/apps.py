from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "anju.performance"
    label = "performance"
    verbose_name = _("Budget and performance")
