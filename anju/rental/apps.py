from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RentalConfig(AppConfig):
    name = "anju.rental"
    label = "rental"
    verbose_name = _("Public rental housing")
