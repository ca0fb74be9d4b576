from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "anju.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from anju.core import imports, modules
        from anju.registry import demo, importer

        modules.register(
            modules.Module(code="registry", name=_("Registry"), url_name="registry:units", icon="房", order=10)
        )
        imports.register(importer.UNITS_IMPORT)
        demo.register_steps()
