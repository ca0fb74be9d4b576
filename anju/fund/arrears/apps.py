from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArrearsConfig(AppConfig):
    name = "anju.fund.arrears"
    label = "arrears"
    verbose_name = _("Arrears recovery")
