from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class RentalConfig(LineConfig):
    name = "anju.rental"
    label = "rental"
    verbose_name = _("Public rental housing")
    navigation = Module(code="rental", name=_("Public rental housing"), url_name="rental:home", icon="租", order=30)
    todos = ("anju.rental.todos.rental_todos",)
    kpis = "anju.rental.kpis.registry_entries"
    imports = ("anju.rental.payments_import.PAYMENTS_IMPORT",)
    jobs = {"rental.bill_month": "anju.rental.jobs.bill_month"}
    setup = "anju.rental.setup.STEPS"

    def ready(self) -> None:
        super().ready()
        from anju.rental import pickers  # noqa: F401  registers the rental kinds of picker
