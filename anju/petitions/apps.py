from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class PetitionsConfig(LineConfig):
    name = "anju.petitions"
    label = "petitions"
    verbose_name = _("Petitions and public opinion")
    navigation = Module(
        code="petitions", name=_("Petitions and public opinion"), url_name="petitions:home", icon="访", order=60
    )
    todos = ("anju.petitions.todos.petition_todos",)
    kpis = "anju.petitions.kpis.registry_entries"
    imports = ("anju.petitions.orders_import.ORDERS_IMPORT",)

    def ready(self) -> None:
        super().ready()
        from anju.core import related
        from anju.petitions.queries import related_cases

        related.register("petitions", related_cases)
