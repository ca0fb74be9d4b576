from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from anju.core.lines import LineConfig
from anju.core.modules import Module


class RegistryConfig(LineConfig):
    name = "anju.registry"
    label = "registry"
    verbose_name = _("Registry")
    navigation = Module(code="registry", name=_("Registry"), url_name="registry:units", icon="房", order=10)
    imports = ("anju.registry.importer.UNITS_IMPORT",)

    def ready(self) -> None:
        super().ready()
        from anju.registry import pickers  # noqa: F401  registers the registry's kinds of picker
