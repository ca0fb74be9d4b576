from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RentalConfig(AppConfig):
    name = "anju.rental"
    label = "rental"
    verbose_name = _("Public rental housing")

    def ready(self) -> None:
        from anju.core import imports, kpis, modules, todos
        from anju.rental import demo, payments_import
        from anju.rental import kpis as rental_kpis
        from anju.rental.todos import rental_todos

        modules.register(
            modules.Module(code="rental", name=_("Public rental housing"), url_name="rental:home", icon="租", order=30)
        )
        todos.register(rental_todos)
        kpis.register(*rental_kpis.registry_entries())
        imports.register(payments_import.PAYMENTS_IMPORT)
        demo.register_steps()
